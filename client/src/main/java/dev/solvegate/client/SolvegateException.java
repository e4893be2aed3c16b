package dev.solvegate.client;

import java.util.OptionalLong;

/**
 * A call that failed: the server refused the request, the task failed, or no usable reply came within the
 * call's time budget. By the time a caller sees one, the client has already retried whatever was safe to retry.
 *
 * <p>{@link #errorCode()} is the server's {@code errorCode} (for solvegate one of its catalogue's codes, such as
 * {@code ERROR_KEY_DOES_NOT_EXIST}), or one of the client's own codes, which start with {@code CLIENT_} so they
 * can never be mistaken for a server's: {@link #TRANSPORT}, {@link #BAD_REPLY}, {@link #TIMEOUT},
 * {@link #INTERRUPTED}. The message and {@link #toString()} hold the code, the description, the HTTP status and
 * the task id, and never the client key or a proxy's credentials (server text is scrubbed of them too).
 *
 * <p>Thread-safety: immutable.
 */
public final class SolvegateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * No reply: the connection was refused or reset, or the reply was lost after the request was sent. Retried
     * by the client until the call's budget ran out (a createTask retry carries the same idempotency key).
     */
    public static final String TRANSPORT = "CLIENT_TRANSPORT";

    /** A reply that is not the task API's JSON (a proxy's error page, a body without {@code errorId}, …). */
    public static final String BAD_REPLY = "CLIENT_BAD_REPLY";

    /** {@code solve} ran out of time while the task was still processing (the client asked to cancel it). */
    public static final String TIMEOUT = "CLIENT_TIMEOUT";

    /** The calling thread was interrupted; its interrupt flag is set again. */
    public static final String INTERRUPTED = "CLIENT_INTERRUPTED";

    private final String errorCode;
    private final String description;
    private final int httpStatus;
    private final boolean retryable;
    private final boolean taskFailed;
    private final long taskId;

    SolvegateException(
            String errorCode,
            String description,
            int httpStatus,
            boolean retryable,
            boolean taskFailed,
            long taskId,
            Throwable cause) {
        super(message(errorCode, description, httpStatus, taskId), cause);
        this.errorCode = errorCode;
        this.description = description;
        this.httpStatus = httpStatus;
        this.retryable = retryable;
        this.taskFailed = taskFailed;
        this.taskId = taskId;
    }

    /** The server's {@code errorCode}, or one of the client's {@code CLIENT_…} codes; never null. */
    public String errorCode() {
        return errorCode;
    }

    /** The server's {@code errorDescription}, or the client's account of what went wrong; never null. */
    public String description() {
        return description;
    }

    /** The HTTP status of the reply that carried the error, or 0 when there was no reply. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * Whether trying again later may succeed: the code is one of the catalogue's retryable codes, or there was no
     * reply. For a refused request the client has already retried it within the call's budget; for a failed
     * task ({@link #taskFailed()}) it means a new task may succeed (the client never creates one by itself).
     */
    public boolean retryable() {
        return retryable;
    }

    /** True when the task itself ended failed (getTaskResult's {@code "status":"failed"}), not the request. */
    public boolean taskFailed() {
        return taskFailed;
    }

    /** The task this failure is about, when there is one. */
    public OptionalLong taskId() {
        return taskId > 0 ? OptionalLong.of(taskId) : OptionalLong.empty();
    }

    private static String message(String code, String description, int httpStatus, long taskId) {
        StringBuilder s = new StringBuilder(code).append(": ").append(description);
        if (httpStatus > 0) {
            s.append(" (HTTP ").append(httpStatus).append(')');
        }
        if (taskId > 0) {
            s.append(" [task ").append(taskId).append(']');
        }
        return s.toString();
    }
}
