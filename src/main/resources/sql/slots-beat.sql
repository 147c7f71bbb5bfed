UPDATE slot_instances SET heartbeat_at = :#now WHERE instance_id = :#instance_id
