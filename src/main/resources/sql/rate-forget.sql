DELETE FROM rate_windows WHERE window_start < :#before
