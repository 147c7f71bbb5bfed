-- the reservation just made, until the call settles it or it expires
INSERT INTO budget_holds (hold_id, key_name, period, starts_at, amount_usd, expires_at)
VALUES (:#hold_id, :#key_name, :#period, :#starts_at, :#amount, :#expires_at)
