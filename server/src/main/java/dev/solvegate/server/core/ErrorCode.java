package dev.solvegate.server.core;

/**
 * The error catalogue: every code a client can receive, spelled exactly as in the seed document (clients match
 * on these strings, {@code ERROR_SERVICE_UNAVALIABLE} included), with its HTTP status, category and whether a
 * retry may succeed. The wire format, {@code docs/API.md} and the tests all read this one table.
 */
public enum ErrorCode {
    ERROR_KEY_DOES_NOT_EXIST(404, "auth", false, "API key not found or invalid"),
    ERROR_ACCOUNT_SUSPENDED(403, "auth", false, "User account has been suspended"),
    ERROR_PACKAGE_PAUSED(403, "auth", false, "Package is currently paused"),
    ERROR_PACKAGE_EXPIRED(403, "auth", false, "Package subscription has expired"),
    ERROR_ZERO_BALANCE(402, "auth", false, "Insufficient balance for the operation"),
    ERROR_DATABASE_BALANCE(503, "auth", true, "Balance deduction failed temporarily"),
    ERROR_MISSING_REQUEST_DATA(400, "validation", false, "Request payload is missing or empty"),
    ERROR_TASK_NOT_SUPPORTED(400, "validation", false, "Task type is not FunCaptchaTask"),
    ERROR_INVALID_PUBLIC_KEY(400, "validation", false, "Public key is not a valid UUID"),
    ERROR_MISSING_WEBSITE_URL(400, "validation", false, "websiteURL field is required"),
    ERROR_MISSING_PUBLIC_KEY(400, "validation", false, "websitePublicKey field is required"),
    ERROR_MISSING_PROXY(400, "validation", false, "proxy field is required"),
    ERROR_MISSING_WEBSITE_SUBDOMAIN(400, "validation", false, "websiteSubdomain field is required"),
    ERROR_INVALID_EXTRA_DATA(400, "validation", false, "data field is not valid JSON"),
    ERROR_INVALID_HEADERS(400, "validation", false, "headers field is not a valid JSON object"),
    ERROR_MISSING_USER_AGENT(400, "validation", false, "User-Agent is required when sec-ch-* headers are provided"),
    ERROR_INVALID_PROXY_PROTOCOL(400, "proxy", false, "Protocol must be http, socks4, or socks5"),
    ERROR_INVALID_PROXY_PORT(400, "proxy", false, "Port must be between 1 and 65535"),
    ERROR_INVALID_PROXY_AUTH(400, "proxy", false, "Proxy authentication (user:pass) is missing"),
    ERROR_INVALID_PROXY_FORMAT(400, "proxy", false, "Proxy string doesn't match expected format"),
    ERROR_PROXY_CONNECTION(503, "proxy", true, "Could not connect through the proxy"),
    ERROR_RATE_LIMIT_EXCEEDED(429, "rate_limit", false, "Daily or hourly quota exceeded"),
    ERROR_THREAD_THRESHOLD_EXCEEDED(429, "rate_limit", true, "Too many concurrent tasks for this user"),
    ERROR_TASK_NOT_FOUND(404, "task", false, "Task ID doesn't exist or has expired"),
    ERROR_TASK_EXCEPTION(500, "task", false, "Internal error during task execution"),
    ERROR_TASK_CANCELLED(500, "task", false, "Task was cancelled due to an internal error"),
    ERROR_TASK_TIMEOUT(504, "task", false, "Task exceeded the 300-second total timeout"),
    ERROR_SOLVE_TIMEOUT(504, "task", true, "Solve phase exceeded the 120-second timeout"),
    ERROR_CAPTCHA_UNSOLVABLE(403, "task", false, "Failed to solve the CAPTCHA challenge"),
    ERROR_PROCESSING_IMAGE(504, "task", true, "Processing timed out"),
    ERROR_SERVICE_UNAVALIABLE(503, "service", true, "Service is temporarily disabled"),
    ERROR_TEMPLATE_NOT_FOUND(404, "service", false, "No Arkose template found for this public key"),
    ERROR_FINGERPRINT_UNAVAILABLE(503, "service", true, "Service temporarily unavailable"),
    ERROR_DATABASE_UNAVAILABLE(503, "service", true, "Service temporarily unavailable"),
    ERROR_INTERNAL_DATABASE(500, "service", false, "Internal server error");

    private final int httpStatus;
    private final String category;
    private final boolean retryable;
    private final String description;

    ErrorCode(int httpStatus, String category, boolean retryable, String description) {
        this.httpStatus = httpStatus;
        this.category = category;
        this.retryable = retryable;
        this.description = description;
    }

    /** The status of the seed's table; compatibility mode sends 200 instead (see {@code api.Replies}). */
    public int httpStatus() {
        return httpStatus;
    }

    public String category() {
        return category;
    }

    /** Whether the seed lists this code among the retryable errors; such replies carry {@code Retry-After}. */
    public boolean retryable() {
        return retryable;
    }

    /** The seed's description, used when a reply has nothing more precise to say. */
    public String description() {
        return description;
    }

    /** Seconds a client should wait before retrying; only meaningful when {@link #retryable()}. */
    public int retryAfterSeconds() {
        return switch (this) {
            case ERROR_THREAD_THRESHOLD_EXCEEDED, ERROR_DATABASE_BALANCE -> 1;
            case ERROR_SERVICE_UNAVALIABLE -> 30;
            default -> 5;
        };
    }
}
