-- a prompt file's batch, once: two instances opening the same file's run keep one row
INSERT INTO inbox_batches (batch_id, file_hash, file_name, done_name, json_lines, total, created_at)
VALUES (:#batch_id, :#file_hash, :#file_name, :#done_name, :#json_lines, :#total, :#now)
ON CONFLICT DO NOTHING
