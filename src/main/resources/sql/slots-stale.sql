-- calls of other processes whose heartbeat stopped (or that never beat), started before the stale time
SELECT DISTINCT c.key_name, c.instance_id FROM key_slot_calls c LEFT JOIN slot_instances i ON i.instance_id = c.instance_id
 WHERE c.instance_id <> :#instance_id AND c.started_at < :#before AND (i.instance_id IS NULL OR i.heartbeat_at < :#before)
