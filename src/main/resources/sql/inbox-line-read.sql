SELECT status, owner, attempt, stem, claimed_at FROM inbox_lines WHERE batch_id = :#batch_id AND line = :#line
