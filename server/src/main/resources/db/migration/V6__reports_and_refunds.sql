-- reportIncorrect / reportCorrect: one verdict per ready task; refunds of reported tasks as ledger rows of kind
-- 'refund', at most one per task (the unique index now allows one row per task and kind: a charge, a refund).
ALTER TABLE accounts ADD COLUMN refund_incorrect BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE tasks ADD COLUMN verdict VARCHAR(16);
ALTER TABLE tasks ADD CONSTRAINT tasks_verdict CHECK (verdict IN ('correct', 'incorrect'));
ALTER TABLE ledger DROP CONSTRAINT ledger_kind;
ALTER TABLE ledger ADD CONSTRAINT ledger_kind CHECK (kind IN ('credit', 'debit', 'charge', 'refund'));
DROP INDEX ledger_task_once;
CREATE UNIQUE INDEX ledger_task_once ON ledger (task_id, kind);
