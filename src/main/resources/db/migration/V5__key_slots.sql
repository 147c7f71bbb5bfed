-- Calls in flight per key, counted where every instance sees them (keys.limits-shared=true): one row per key (the
-- count the limit is checked against, taken with a conditional UPDATE), one per call in flight (which instance runs
-- it), and one per running instance with its heartbeat, so that the calls of an instance that stopped are given back
-- by the others, each once.
CREATE TABLE key_slots (
    key_name  VARCHAR(200) PRIMARY KEY,
    in_flight INTEGER      NOT NULL DEFAULT 0
);
CREATE TABLE key_slot_calls (
    call_id     VARCHAR(40)  PRIMARY KEY,
    key_name    VARCHAR(200) NOT NULL,
    instance_id VARCHAR(240) NOT NULL,
    started_at  TIMESTAMP    NOT NULL
);
CREATE INDEX key_slot_calls_instance ON key_slot_calls (instance_id);
CREATE TABLE slot_instances (
    instance_id  VARCHAR(240) PRIMARY KEY,
    heartbeat_at TIMESTAMP    NOT NULL
);
