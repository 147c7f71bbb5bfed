UPDATE key_slots SET in_flight = GREATEST(in_flight - :#count, 0) WHERE key_name = :#key_name
