-- the call that took the slot, and the process running it
INSERT INTO key_slot_calls (call_id, key_name, instance_id, started_at) VALUES (:#call_id, :#key_name, :#instance_id, :#now)
