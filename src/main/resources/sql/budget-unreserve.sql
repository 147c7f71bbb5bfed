-- an expired reservation given back
UPDATE budget_usage SET reserved_usd = GREATEST(reserved_usd - :#amount, 0)
 WHERE key_name = :#key_name AND period = :#period AND starts_at = :#starts_at
