-- a page of the report's lines, in line order
SELECT line, status, outcome FROM inbox_lines WHERE batch_id = :#batch_id AND status <> 'running'
 ORDER BY line LIMIT :#limit OFFSET :#offset
