-- the latest finished batch reported under this name in .done/
SELECT batch_id, file_name, done_name, json_lines, total, created_at, finished_at, reported_by
  FROM inbox_batches WHERE done_name = :#done_name AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1
