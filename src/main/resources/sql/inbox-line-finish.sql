-- the line's outcome, from the instance that holds it (one that was taken over from writes nothing)
UPDATE inbox_lines SET status = :#status, outcome = :#outcome, finished_at = :#now
 WHERE batch_id = :#batch_id AND line = :#line AND owner = :#owner AND attempt = :#attempt AND status = 'running'
