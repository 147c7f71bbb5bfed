SELECT COALESCE(provider, '') AS grp, COUNT(*) AS requests, SUM(images) AS images, SUM(cost_usd) AS cost_usd,
       SUM(COALESCE(input_tokens, 0)) AS input_tokens, SUM(COALESCE(output_tokens, 0)) AS output_tokens
  FROM usage_ledger
 WHERE created_at >= :#from_at AND created_at < :#to_at
   AND (CAST(:#key_name AS VARCHAR(200)) IS NULL OR key_name = CAST(:#key_name AS VARCHAR(200)))
 GROUP BY COALESCE(provider, '')
 ORDER BY COALESCE(provider, '')
