-- One lease per node instead of one per task: the heartbeat writes one row, not one per running task.
-- A solving task is orphaned when the node named by its lease_owner has no live lease.
CREATE TABLE nodes (
    id          VARCHAR(64) NOT NULL PRIMARY KEY,
    lease_until BIGINT      NOT NULL
);
DROP INDEX tasks_status_lease;
ALTER TABLE tasks DROP COLUMN lease_until;
