-- the batch's last line is done: one instance, the first to see it, writes the report
UPDATE inbox_batches SET finished_at = :#now, reported_by = :#owner WHERE batch_id = :#batch_id AND finished_at IS NULL
