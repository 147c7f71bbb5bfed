-- processes that stopped and hold no call any more
DELETE FROM slot_instances WHERE heartbeat_at < :#before AND instance_id NOT IN (SELECT instance_id FROM key_slot_calls)
