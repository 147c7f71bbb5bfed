-- lines finished (done or failed), failed, and taken over from an instance that stopped
SELECT COUNT(*) AS finished,
       COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed,
       COALESCE(SUM(CASE WHEN attempt > 1 THEN 1 ELSE 0 END), 0) AS resumed
  FROM inbox_lines WHERE batch_id = :#batch_id AND status <> 'running'
