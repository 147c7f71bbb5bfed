-- Calls in flight per key, counted where every instance sees them (keys.limits-shared=true): one row per key (the
-- count the limit is checked against, taken with a conditional UPDATE), and one per key and instance (what that
-- instance holds, with its heartbeat), so that the calls of an instance that stopped are given back by the others.
CREATE TABLE key_slots (
    key_name  VARCHAR(200) PRIMARY KEY,
    in_flight INTEGER      NOT NULL DEFAULT 0
);
CREATE TABLE key_slots_held (
    key_name     VARCHAR(200) NOT NULL,
    instance_id  VARCHAR(200) NOT NULL,
    held         INTEGER      NOT NULL DEFAULT 0,
    heartbeat_at TIMESTAMP    NOT NULL,
    PRIMARY KEY (key_name, instance_id)
);
CREATE INDEX key_slots_held_heartbeat ON key_slots_held (heartbeat_at);
