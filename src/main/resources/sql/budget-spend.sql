-- a call whose reservation expired first (given back by the sweep): only what it cost is counted
UPDATE budget_usage SET spent_usd = spent_usd + :#cost_usd
 WHERE key_name = :#key_name AND period = :#period AND starts_at = :#starts_at
