-- one more call in flight, only while under the limit: the row stays locked while it is checked and changed
UPDATE key_slots SET in_flight = in_flight + 1 WHERE key_name = :#key_name AND in_flight < :#limit
