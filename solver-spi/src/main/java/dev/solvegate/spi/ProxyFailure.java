package dev.solvegate.spi;

import java.io.IOException;

/**
 * The task's proxy could not be used: it refused the connection, rejected the credentials, could not reach
 * the target, or did not answer in time. Messages never contain the proxy password.
 */
public final class ProxyFailure extends IOException {

    /** Which way the proxy failed. */
    public enum Reason {
        REFUSED,
        AUTH_FAILED,
        TARGET_UNREACHABLE,
        TIMED_OUT,
        PROTOCOL_ERROR
    }

    private final Reason reason;

    public ProxyFailure(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ProxyFailure(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
