package dev.solvegate.server.task;

import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.ErrorStatus;
import org.jdbi.v3.core.Handle;

/**
 * createTask's admission on PostgreSQL as one statement: the server-side function {@code solvegate_admit}
 * (migration {@code db/postgresql/V16__admission_function.sql}), called in autocommit, so that an admission is
 * one round trip to the database. It authenticates the key by its hash and then decides and writes what
 * {@link TaskStore}'s transaction does on H2, with the same locks in the same order (package, then account),
 * under which the limits and the {@code Idempotency-Key} are decided: SPEC §1 step 3 (key, account, package),
 * the key's earlier task, then steps 6–9. The caller runs the checks that come before it in SPEC order (intake,
 * body, fields, template) only when they pass, so its answers follow SPEC's precedence.
 *
 * <p>Thread-safety: stateless.
 */
final class OneTripAdmission {

    /** The call, public through {@link TaskStore#ONE_TRIP_CALL} so that the storage benchmark runs this very text. */
    static final String CALL = """
        SELECT outcome, task_id, error_status FROM solvegate_admit(:keyHash, :solver, :settings, :request, :ip,
          :callback, :capacity, :now, :deadline, :idemKey, :fingerprint, :idemSince)""";

    /** What the function answered: the admission or refusal, and the mode of the key's account (null: the node's). */
    record Answer(Checked<TaskStore.Admitted> answer, ErrorStatus errorStatus) {}

    /** The parameters of one call; {@code idemKey}, {@code fingerprint} and {@code callback} may be null. */
    record Call(
            String keyHash,
            String solver,
            String settings,
            String request,
            String ip,
            String callback,
            boolean capacity,
            long now,
            long deadline,
            String idemKey,
            String fingerprint,
            long idemSince) {}

    private OneTripAdmission() {}

    static Answer run(Handle h, Call c) {
        return h.createQuery(CALL)
                .bind("keyHash", c.keyHash())
                .bind("solver", c.solver())
                .bind("settings", c.settings())
                .bind("request", c.request())
                .bind("ip", c.ip())
                .bind("callback", c.callback())
                .bind("capacity", c.capacity())
                .bind("now", c.now())
                .bind("deadline", c.deadline())
                .bind("idemKey", c.idemKey())
                .bind("fingerprint", c.fingerprint())
                .bind("idemSince", c.idemSince())
                .map((rs, ctx) -> answer(rs.getString(1), rs.getLong(2), rs.getString(3)))
                .one();
    }

    private static Answer answer(String outcome, long taskId, String errorStatus) {
        ErrorStatus mode = AccountStore.errorStatus(errorStatus);
        Checked<TaskStore.Admitted> answer =
                switch (outcome) {
                    case "ok" -> Checked.ok(new TaskStore.Admitted(taskId, false));
                    case "replay" -> Checked.ok(new TaskStore.Admitted(taskId, true));
                    case "reused" -> Checked.refused(ErrorCode.ERROR_MISSING_REQUEST_DATA, TaskStore.KEY_REUSED);
                    default -> Checked.refused(ErrorCode.valueOf(outcome));
                };
        return new Answer(answer, mode);
    }
}
