-- one statement, so two calls cannot both take the last of a budget: the row is locked while it is checked and changed
UPDATE budget_usage
   SET reserved_usd = reserved_usd + :#amount
 WHERE key_name = :#key_name AND period = :#period AND starts_at = :#starts_at
   AND spent_usd + reserved_usd < :#limit_usd
   AND spent_usd + reserved_usd + :#amount <= :#limit_usd
