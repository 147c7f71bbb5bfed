INSERT INTO budget_usage (key_name, period, starts_at, ends_at, spent_usd, reserved_usd)
VALUES (:#key_name, :#period, :#starts_at, :#ends_at, 0, 0)
ON CONFLICT DO NOTHING
