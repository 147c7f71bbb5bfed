-- batches queued whole whose every line is finished but that are not marked finished (their reporter stopped first)
SELECT b.batch_id FROM inbox_batches b
 WHERE b.finished_at IS NULL AND b.queued_at IS NOT NULL AND b.created_at < :#before
   AND b.total <= (SELECT COUNT(*) FROM inbox_lines l WHERE l.batch_id = b.batch_id AND l.status <> 'running')
