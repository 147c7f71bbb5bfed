SELECT spent_usd, reserved_usd FROM budget_usage
 WHERE key_name = :#key_name AND period = :#period AND starts_at = :#starts_at
