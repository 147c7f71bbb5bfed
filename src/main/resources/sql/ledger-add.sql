-- a batch line generated again after the instance that first generated it stopped before saving its image: the
-- second call's cost joins the line's row (one row per line, every call paid for counted)
UPDATE usage_ledger SET images = images + :#images, cost_usd = cost_usd + :#cost_usd, latency_ms = latency_ms + :#latency_ms,
       outcome = :#outcome
 WHERE entry_id = :#entry_id
