-- Batch lines shared by several instances (KAFKA_BOOTSTRAP): a prompt file's batch, and one row per line, claimed by
-- the instance that generates it. The row is what makes a line generated once, whichever instance Kafka hands it to.
CREATE TABLE inbox_batches (
    batch_id     VARCHAR(80)  PRIMARY KEY,   -- the file's hash (name and content), and its run
    file_hash    VARCHAR(64)  NOT NULL,
    file_name    VARCHAR(255) NOT NULL,
    done_name    VARCHAR(300) NOT NULL,      -- its name in .done/, and the report's
    json_lines   BOOLEAN      NOT NULL,
    total        INTEGER      NOT NULL,      -- prompts (blank lines and comments not counted)
    created_at   TIMESTAMP    NOT NULL,      -- UTC
    queued_at    TIMESTAMP,                  -- when every line was on the topic (a file read again before is resumed)
    finished_at  TIMESTAMP,                  -- when its last line was done
    reported_by  VARCHAR(200)                -- the instance that wrote its report
);
CREATE INDEX inbox_batches_hash ON inbox_batches (file_hash);
CREATE INDEX inbox_batches_done_name ON inbox_batches (done_name);
CREATE INDEX inbox_batches_open ON inbox_batches (finished_at);

CREATE TABLE inbox_lines (
    batch_id    VARCHAR(80)  NOT NULL,
    line        INTEGER      NOT NULL,
    status      VARCHAR(16)  NOT NULL,       -- running, done, failed
    owner       VARCHAR(200) NOT NULL,       -- the instance generating it
    attempt     INTEGER      NOT NULL,       -- 1, and one more each time another instance takes it over
    stem        VARCHAR(100) NOT NULL,       -- its image's name, chosen once: a taken-over line keeps it
    claimed_at  TIMESTAMP    NOT NULL,
    finished_at TIMESTAMP,
    outcome     TEXT,                        -- its entry in the report (JSON)
    PRIMARY KEY (batch_id, line)
);
