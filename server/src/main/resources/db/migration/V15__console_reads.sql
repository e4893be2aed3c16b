-- The consoles' reads. A key's first characters, so operators can tell keys apart (the secret is never kept):
-- 6 of 32 hex characters, 24 of 128 bits, leaving 104 unknown. Keys made before this migration have none.
ALTER TABLE api_keys ADD COLUMN key_prefix VARCHAR(8);
-- an account's recent tasks (getTasks, the consoles)
CREATE INDEX tasks_account_created ON tasks (account_id, created_at);
-- an account's ledger by time (getSpending, the consoles)
CREATE INDEX ledger_account_created ON ledger (account_id, created_at);
