-- createTask's admission on PostgreSQL as one server-side function, so that an admission is one round trip
-- (one statement in autocommit): authenticate the key by its hash and judge its standing (account, package), answer
-- an Idempotency-Key seen before, then lock the package and then the account (the one lock order, as settlement)
-- and decide the Idempotency-Key, the quota of the hour and the day, the threads, the balance and the solver's
-- capacity in SPEC order, and only when every rule admits write the slot, the quota, the hold, the task and the
-- Idempotency-Key's record. A refusal writes nothing. (task.TaskStore's transaction on H2: the same reads, locks
-- and order.) It sends no NOTIFY: a transaction that notifies holds PostgreSQL's one notification lock from its
-- commit's start to its end, which put every admission of every account in one line; the node tells the other
-- nodes after the commit, in batches (engine.QueuedNotices).
-- The same rules in Java (limit.Limits over limit.Slots, billing.Ledger, task.Tasks) run on H2, where a
-- transaction costs no round trips; the contract tests hold both to the same answers. Only PostgreSQL runs this
-- file (store.Database adds db/postgresql to its migration locations there).
--
-- outcome: 'ok' (task_id the new task), 'replay' (task_id the task an Idempotency-Key was first accepted with),
-- 'reused' (the Idempotency-Key was used with another task) or the catalogue code of the refusal. error_status is
-- the account's own error-status mode (NULL: the node's), or NULL when the key is unknown.
CREATE FUNCTION solvegate_admit(
    p_key_hash    VARCHAR,
    p_solver      VARCHAR,
    p_settings    VARCHAR,
    p_request     VARCHAR,
    p_ip          VARCHAR,
    p_callback    VARCHAR,
    p_capacity    BOOLEAN,
    p_now         BIGINT,
    p_deadline    BIGINT,
    p_idem_key    VARCHAR,
    p_fingerprint VARCHAR,
    p_idem_since  BIGINT)
RETURNS TABLE (outcome VARCHAR, task_id BIGINT, error_status VARCHAR)
LANGUAGE plpgsql VOLATILE
AS $$
#variable_conflict use_column
DECLARE
    k_id       BIGINT;
    k_account  BIGINT;
    k_package  BIGINT;
    v_status   VARCHAR;
    v_mode     VARCHAR;
    v_paused   BOOLEAN;
    v_expires  BIGINT;
    p          RECORD;
    a          RECORD;
    hour_i     BIGINT := p_now / 3600000;
    day_i      BIGINT := p_now / 86400000;
    hour_use   INT;
    day_use    INT;
    v_hold     BIGINT;
    v_id       BIGINT;
    seen       RECORD;
BEGIN
    -- SPEC step 3 from the key's row and its account's and package's, unlocked (as a read of the key would be)
    SELECT k.id, k.account_id, k.package_id, ac.status, ac.error_status, pk.paused, pk.expires_at
    INTO k_id, k_account, k_package, v_status, v_mode, v_paused, v_expires
    FROM api_keys k
    JOIN accounts ac ON ac.id = k.account_id
    LEFT JOIN packages pk ON pk.id = k.package_id
    WHERE k.key_hash = p_key_hash AND NOT k.revoked;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'ERROR_KEY_DOES_NOT_EXIST'::VARCHAR, NULL::BIGINT, NULL::VARCHAR;
        RETURN;
    END IF;
    IF v_status = 'suspended' THEN
        RETURN QUERY SELECT 'ERROR_ACCOUNT_SUSPENDED'::VARCHAR, NULL::BIGINT, v_mode;
        RETURN;
    END IF;
    IF k_package IS NOT NULL AND v_paused THEN
        RETURN QUERY SELECT 'ERROR_PACKAGE_PAUSED'::VARCHAR, NULL::BIGINT, v_mode;
        RETURN;
    END IF;
    IF k_package IS NOT NULL AND p_now >= v_expires THEN
        RETURN QUERY SELECT 'ERROR_PACKAGE_EXPIRED'::VARCHAR, NULL::BIGINT, v_mode;
        RETURN;
    END IF;
    -- an Idempotency-Key seen before answers without a lock (and so without a write); a new one is looked up
    -- again under the account's lock below, where it is decided
    IF p_idem_key IS NOT NULL THEN
        SELECT i.fingerprint, i.task_id INTO seen FROM idempotency_keys i
        WHERE i.account_id = k_account AND i.idem_key = p_idem_key AND i.created_at >= p_idem_since;
        IF FOUND THEN
            RETURN QUERY SELECT CASE WHEN seen.fingerprint = p_fingerprint THEN 'replay' ELSE 'reused' END::VARCHAR,
                CASE WHEN seen.fingerprint = p_fingerprint THEN seen.task_id END, v_mode;
            RETURN;
        END IF;
    END IF;
    -- the one lock order: package, then account (as settlement)
    IF k_package IS NOT NULL THEN
        SELECT pk.threads, pk.hourly_quota, pk.daily_quota, pk.in_flight, pk.hour_index, pk.hour_used,
               pk.day_index, pk.day_used
        INTO p FROM packages pk WHERE pk.id = k_package FOR UPDATE;
    END IF;
    SELECT ac.error_status, ac.max_threads, ac.price, ac.balance, ac.held, ac.in_flight
    INTO a FROM accounts ac WHERE ac.id = k_account FOR UPDATE;
    IF p_idem_key IS NOT NULL THEN
        SELECT i.fingerprint, i.task_id INTO seen FROM idempotency_keys i
        WHERE i.account_id = k_account AND i.idem_key = p_idem_key AND i.created_at >= p_idem_since;
        IF FOUND THEN
            RETURN QUERY SELECT CASE WHEN seen.fingerprint = p_fingerprint THEN 'replay' ELSE 'reused' END::VARCHAR,
                CASE WHEN seen.fingerprint = p_fingerprint THEN seen.task_id END, a.error_status;
            RETURN;
        END IF;
    END IF;
    IF k_package IS NOT NULL THEN
        hour_use := CASE WHEN p.hour_index = hour_i THEN p.hour_used ELSE 0 END;
        day_use := CASE WHEN p.day_index = day_i THEN p.day_used ELSE 0 END;
        IF hour_use >= p.hourly_quota OR day_use >= p.daily_quota THEN
            RETURN QUERY SELECT 'ERROR_RATE_LIMIT_EXCEEDED'::VARCHAR, NULL::BIGINT, a.error_status;
            RETURN;
        END IF;
    END IF;
    IF k_package IS NOT NULL THEN
        IF p.in_flight >= p.threads THEN
            RETURN QUERY SELECT 'ERROR_THREAD_THRESHOLD_EXCEEDED'::VARCHAR, NULL::BIGINT, a.error_status;
            RETURN;
        END IF;
    END IF;
    IF a.in_flight >= a.max_threads THEN
        RETURN QUERY SELECT 'ERROR_THREAD_THRESHOLD_EXCEEDED'::VARCHAR, NULL::BIGINT, a.error_status;
        RETURN;
    END IF;
    v_hold := CASE WHEN k_package IS NULL THEN a.price ELSE 0 END;
    IF k_package IS NULL AND a.balance - a.held < v_hold THEN
        RETURN QUERY SELECT 'ERROR_ZERO_BALANCE'::VARCHAR, NULL::BIGINT, a.error_status;
        RETURN;
    END IF;
    IF NOT p_capacity THEN
        RETURN QUERY SELECT 'ERROR_FINGERPRINT_UNAVAILABLE'::VARCHAR, NULL::BIGINT, a.error_status;
        RETURN;
    END IF;
    IF k_package IS NOT NULL THEN
        UPDATE packages SET in_flight = in_flight + 1, hour_index = hour_i, hour_used = hour_use + 1,
            day_index = day_i, day_used = day_use + 1
        WHERE id = k_package;
    END IF;
    UPDATE accounts SET in_flight = in_flight + 1, held = held + v_hold WHERE id = k_account;
    INSERT INTO tasks (account_id, key_id, package_id, status, solver, settings, request, hold, price,
        client_ip, callback_url, created_at, deadline)
    VALUES (k_account, k_id, k_package, 'queued', p_solver, p_settings, p_request, v_hold, a.price,
        p_ip, p_callback, p_now, p_deadline)
    RETURNING id INTO v_id;
    IF p_idem_key IS NOT NULL THEN
        DELETE FROM idempotency_keys
        WHERE account_id = k_account AND idem_key = p_idem_key AND created_at < p_idem_since;
        INSERT INTO idempotency_keys (account_id, idem_key, fingerprint, task_id, created_at)
        VALUES (k_account, p_idem_key, p_fingerprint, v_id, p_now);
    END IF;
    RETURN QUERY SELECT 'ok'::VARCHAR, v_id, a.error_status;
END;
$$;
