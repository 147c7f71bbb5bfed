SELECT in_flight FROM key_slots WHERE key_name = :#key_name
