package dev.solvegate.spi;

/** The ways a solve attempt can fail, each answered to the client with one catalogue code. */
public enum Failure {
    /** The challenge cannot be solved: {@code ERROR_CAPTCHA_UNSOLVABLE}, final. */
    UNSOLVABLE(false),
    /** Image work ran over its budget: {@code ERROR_PROCESSING_IMAGE}, may be tried again. */
    PROCESSING_IMAGE(true),
    /** No client profile is available: {@code ERROR_FINGERPRINT_UNAVAILABLE}, may be tried again. */
    FINGERPRINT_UNAVAILABLE(true),
    /** The proxy refused, failed authentication or could not reach the target: {@code ERROR_PROXY_CONNECTION}. */
    PROXY_CONNECTION(true);

    private final boolean retryable;

    Failure(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether the engine may run another attempt while the task's deadline allows. */
    public boolean retryable() {
        return retryable;
    }
}
