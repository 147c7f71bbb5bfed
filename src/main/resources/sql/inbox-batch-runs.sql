-- the batches of one file (same name and content): one not queued whole is resumed, else the file makes a new run
SELECT batch_id, queued_at FROM inbox_batches WHERE file_hash = :#file_hash ORDER BY created_at
