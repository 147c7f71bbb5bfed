INSERT INTO usage_ledger (entry_id, request_id, created_at, key_name, door, requested_model, model, provider, deployment, n, images,
                          size, quality, input_tokens, output_tokens, estimate_usd, cost_usd, billing, outcome, latency_ms)
VALUES (:#entry_id, :#request_id, :#created_at, :#key_name, :#door, :#requested_model, :#model, :#provider, :#deployment, :#n, :#images,
        :#size, :#quality, :#input_tokens, :#output_tokens, :#estimate_usd, :#cost_usd, :#billing, :#outcome, :#latency_ms)
ON CONFLICT DO NOTHING
