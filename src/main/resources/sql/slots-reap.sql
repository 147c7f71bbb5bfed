-- a stopped process's calls of one key, checked again under the key's lock: a process that beat meanwhile keeps them
DELETE FROM key_slot_calls WHERE key_name = :#key_name AND instance_id = :#stopped AND started_at < :#before
   AND NOT EXISTS (SELECT 1 FROM slot_instances i WHERE i.instance_id = :#stopped AND i.heartbeat_at >= :#before)
