-- reservations past their call's deadline: their instance stopped before it could settle them
SELECT hold_id, key_name, period, starts_at, amount_usd FROM budget_holds WHERE expires_at < :#now
