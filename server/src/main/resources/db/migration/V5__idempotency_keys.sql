-- Idempotent createTask: the first accepted createTask with an Idempotency-Key records it here, in the same
-- transaction as the task, under the account's row lock; the primary key refuses a second record even if that
-- lock were skipped. Rows are forgotten SOLVEGATE_IDEMPOTENCY_TTL after created_at (the task may be gone by then).
CREATE TABLE idempotency_keys (
    account_id  BIGINT       NOT NULL REFERENCES accounts (id),
    idem_key    VARCHAR(255) NOT NULL,
    -- SHA-256 (hex) of the validated task and its callbackUrl
    fingerprint VARCHAR(64)  NOT NULL,
    task_id     BIGINT       NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (account_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
