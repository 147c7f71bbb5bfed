-- Requests per minute per key, counted where every instance sees them (keys.limits-shared=true): one row per key and
-- minute, taken with a conditional UPDATE.
CREATE TABLE rate_windows (
    key_name     VARCHAR(200) NOT NULL,
    window_start TIMESTAMP    NOT NULL,
    requests     INTEGER      NOT NULL DEFAULT 0,
    PRIMARY KEY (key_name, window_start)
);
