-- at start (one instance): nothing is in flight, and what was spent is what the ledger says
UPDATE budget_usage
   SET reserved_usd = 0,
       spent_usd = (SELECT COALESCE(SUM(l.cost_usd), 0) FROM usage_ledger l
                     WHERE l.key_name = budget_usage.key_name
                       AND l.created_at >= budget_usage.starts_at AND l.created_at < budget_usage.ends_at)
 WHERE ends_at > :#now
