SELECT batch_id, file_name, done_name, json_lines, total, created_at, finished_at, reported_by
  FROM inbox_batches WHERE batch_id = :#batch_id
