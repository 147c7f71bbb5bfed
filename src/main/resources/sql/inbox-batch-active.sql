-- batches not finished yet, with how far they are, for the console of every instance
SELECT b.batch_id, b.file_name, b.total, b.created_at,
       (SELECT COUNT(*) FROM inbox_lines l WHERE l.batch_id = b.batch_id AND l.status <> 'running') AS finished,
       (SELECT COUNT(*) FROM inbox_lines l WHERE l.batch_id = b.batch_id AND l.status = 'failed') AS failed
  FROM inbox_batches b WHERE b.finished_at IS NULL ORDER BY b.created_at LIMIT 50
