-- the key's count of calls in flight, made at its first call
INSERT INTO key_slots (key_name, in_flight) VALUES (:#key_name, 0) ON CONFLICT DO NOTHING
