-- A ledger row's own id, made by the gateway: the request id may come from the caller (X-Request-Id), who may send one
-- twice or send a long one, so it is no longer the key that keeps a replayed row from being written twice.
ALTER TABLE usage_ledger ADD COLUMN entry_id VARCHAR(120);
-- rows from before: their request id was unique, and a replayed copy of one (LedgerJournal.row) gets the same key
UPDATE usage_ledger SET entry_id = CONCAT('legacy:', request_id) WHERE entry_id IS NULL;
ALTER TABLE usage_ledger ALTER COLUMN entry_id SET NOT NULL;
ALTER TABLE usage_ledger ALTER COLUMN request_id SET DATA TYPE VARCHAR(200);
DROP INDEX usage_ledger_request;
CREATE UNIQUE INDEX usage_ledger_entry ON usage_ledger (entry_id);
CREATE INDEX usage_ledger_request ON usage_ledger (request_id);
