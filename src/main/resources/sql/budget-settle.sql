-- a reservation becomes what the call cost
UPDATE budget_usage
   SET spent_usd = spent_usd + :#cost_usd,
       reserved_usd = GREATEST(reserved_usd - :#amount, 0)
 WHERE key_name = :#key_name AND period = :#period AND starts_at = :#starts_at
