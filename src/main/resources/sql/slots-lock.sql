-- the key's row first, in every transaction that gives slots back: none of them deadlock
SELECT in_flight FROM key_slots WHERE key_name = :#key_name FOR UPDATE
