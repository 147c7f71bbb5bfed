INSERT INTO rate_windows (key_name, window_start, requests) VALUES (:#key_name, :#window_start, 0)
ON CONFLICT DO NOTHING
