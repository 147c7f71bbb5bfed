-- one request of the key's minute, if the minute has room: the row stays locked while it is checked and changed
UPDATE rate_windows SET requests = requests + 1
 WHERE key_name = :#key_name AND window_start = :#window_start AND requests < :#limit_rpm
