-- the call is done: only the transaction that deletes its row gives its slot back
DELETE FROM key_slot_calls WHERE call_id = :#call_id
