-- getQueueStats: each node's worker slots (SOLVEGATE_WORKERS) and how many are busy, written by its heartbeat.
ALTER TABLE nodes ADD COLUMN workers INT DEFAULT 0 NOT NULL;
ALTER TABLE nodes ADD COLUMN busy INT DEFAULT 0 NOT NULL;
