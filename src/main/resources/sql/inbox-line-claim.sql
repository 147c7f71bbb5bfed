-- a line's first claim: the instance whose row this is generates it (a copy of the record elsewhere finds it taken)
INSERT INTO inbox_lines (batch_id, line, status, owner, attempt, stem, claimed_at)
VALUES (:#batch_id, :#line, 'running', :#owner, 1, :#stem, :#now)
ON CONFLICT DO NOTHING
