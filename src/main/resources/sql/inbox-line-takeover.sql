-- a line whose instance stopped (its lease ran out): taken over by one instance only, with the same image name
UPDATE inbox_lines SET owner = :#owner, attempt = attempt + 1, claimed_at = :#now
 WHERE batch_id = :#batch_id AND line = :#line AND status = 'running' AND attempt = :#attempt
