-- The engine's lookups: a node's leases (heartbeat, hand-back) and expired leases (recovery sweep).
CREATE INDEX tasks_lease_owner ON tasks (lease_owner);
CREATE INDEX tasks_status_lease ON tasks (status, lease_until);
