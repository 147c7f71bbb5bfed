INSERT INTO slot_instances (instance_id, heartbeat_at) VALUES (:#instance_id, :#now) ON CONFLICT DO NOTHING
