-- the batches of one file (same name and content): the open one is resumed, after finished ones comes a new run
SELECT batch_id, finished_at FROM inbox_batches WHERE file_hash = :#file_hash ORDER BY created_at
