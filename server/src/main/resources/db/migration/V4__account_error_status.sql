-- An account's own error-status mode: 'seed' (the catalogue's statuses) or '200' (every error with HTTP 200);
-- NULL follows the node's SOLVEGATE_ERROR_STATUS.
ALTER TABLE accounts ADD COLUMN error_status VARCHAR(8);
ALTER TABLE accounts ADD CONSTRAINT accounts_error_status CHECK (error_status IN ('seed', '200'));
