package dev.solvegate.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A client of the solvegate task API, and of any other server of the anti-captcha family at its base URL.
 *
 * <p>Every method is one <em>call</em> with a time budget ({@link Builder#callTimeout}, or {@code solve}'s
 * timeout): within it the client retries exactly what is safe to retry (see {@code client/README.md}): the
 * catalogue's retryable codes and transport failures, with jittered exponential backoff that honours
 * {@code Retry-After}. A createTask's tries share one {@code Idempotency-Key}, so a lost reply never creates or
 * bills a second task on a server that keeps idempotency keys. Anything else ends the call with a {@link
 * SolvegateException} at once.
 *
 * <p>Replies are read whatever their HTTP status ({@code errorId} and {@code errorCode} decide), so the client
 * works with servers that send the catalogue's statuses and with those that send every error as HTTP 200.
 *
 * <p>Thread-safety: immutable and safe for any number of threads (one client per base URL and key is enough).
 * The key and the proxies' passwords never appear in a log line, an exception or a {@code toString()}.
 */
public final class SolvegateClient {

    private static final System.Logger LOG = System.getLogger("dev.solvegate.client");

    /** solve() polls at most this often (a server without long-poll answers a long-poll at once). */
    private static final long POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The longest long-poll the API allows. */
    private static final int MAX_WAIT_SECONDS = 30;

    /** The budget of the cancel solve() sends for a task it gives up on. */
    private static final Duration CANCEL_BUDGET = Duration.ofSeconds(5);

    private final URI baseUrl;
    private final String clientKey;
    private final Duration callTimeout;
    private final Secrets secrets;
    private final Calls calls;

    private SolvegateClient(Builder b) {
        this.baseUrl = b.baseUrl;
        this.clientKey = b.clientKey;
        this.callTimeout = b.callTimeout;
        this.secrets = Secrets.of(b.clientKey);
        HttpClient http = b.httpClient != null
                ? b.httpClient
                : HttpClient.newBuilder()
                        .connectTimeout(b.connectTimeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
        this.calls =
                new Calls(new Exchange(http, b.baseUrl), new Backoff(b.backoffInitial, b.backoffMax), b.requestTimeout);
    }

    /** A builder with the defaults; {@link Builder#baseUrl} and {@link Builder#clientKey} must be set. */
    public static Builder builder() {
        return Builder.DEFAULTS;
    }

    /**
     * Creates a task and answers its id. Tries share a fresh idempotency key.
     *
     * @throws SolvegateException the server refused the task (e.g. {@code ERROR_ZERO_BALANCE}, a field rule), or
     *     no reply came within the call's budget
     */
    public long createTask(FunCaptchaTask task) {
        return createTask(task, UUID.randomUUID().toString());
    }

    /**
     * Creates a task with the caller's idempotency key: the same key and task, sent again (even from another
     * process, within the server's idempotency TTL), answers the same task id and creates nothing.
     *
     * @param idempotencyKey 1 to 255 visible ASCII characters
     */
    public long createTask(FunCaptchaTask task, String idempotencyKey) {
        Objects.requireNonNull(task, "task");
        checkIdempotencyKey(idempotencyKey);
        return create(task, idempotencyKey, Deadline.after(callTimeout));
    }

    /**
     * The task's state now: processing or ready.
     *
     * @throws SolvegateException with {@link SolvegateException#taskFailed()} when the task failed (e.g. {@code
     *     ERROR_CAPTCHA_UNSOLVABLE}); {@code ERROR_TASK_NOT_FOUND} for an unknown or expired task
     */
    public TaskResult getTaskResult(long taskId) {
        return result(taskId, 0, Deadline.after(callTimeout));
    }

    /**
     * The task's state, waiting up to {@code wait} (at most 30 s) for it to end on a server that long-polls
     * ({@code waitSeconds}); a server that does not answers at once.
     */
    public TaskResult getTaskResult(long taskId, Duration wait) {
        long seconds = Math.min(MAX_WAIT_SECONDS, Math.max(0, wait.getSeconds()));
        return result(taskId, (int) seconds, Deadline.after(callTimeout.plusSeconds(seconds)));
    }

    /**
     * Creates a task and waits for its solution: long-polls getTaskResult ({@code waitSeconds} up to 30), and
     * against a server that answers a long-poll at once, polls once a second. {@code timeout} is the budget of the
     * whole: the createTask's retries included. When it runs out, or the wait fails for another reason than the
     * task's failure, the client asks the server to cancel the task (so it is not billed for a token nobody
     * reads) and throws.
     *
     * @throws SolvegateException the task failed ({@link SolvegateException#taskFailed()}, e.g. {@code
     *     ERROR_CAPTCHA_UNSOLVABLE}), was refused, or did not end within {@code timeout} ({@link
     *     SolvegateException#TIMEOUT}); the exception carries the task id once there is one
     */
    public Solution solve(FunCaptchaTask task, Duration timeout) {
        Objects.requireNonNull(task, "task");
        requirePositive(timeout, "timeout");
        Deadline deadline = Deadline.after(timeout);
        long taskId = create(task, UUID.randomUUID().toString(), deadline);
        boolean polling = false;
        try {
            while (true) {
                long started = System.nanoTime();
                int wait = waitSeconds(deadline);
                TaskResult result = result(taskId, wait, deadline);
                if (result.isReady()) {
                    return result.solution().orElseThrow();
                }
                long took = System.nanoTime() - started;
                if (!polling && wait > 0 && took < TimeUnit.SECONDS.toNanos(wait) / 2) {
                    polling = true;
                    LOG.log(
                            Level.DEBUG,
                            () -> "getTaskResult [task " + taskId + "] answered processing before waitSeconds " + wait
                                    + ": the server does not long-poll, polling once a second");
                }
                long pause = Math.min(POLL_NANOS - took, deadline.remainingNanos());
                if (pause > 0) {
                    Calls.sleep(pause, "solve", taskId);
                }
                if (deadline.remainingNanos() <= 0) {
                    throw new SolvegateException(
                            SolvegateException.TIMEOUT,
                            "task " + taskId + " still processing after " + timeout.toMillis() + " ms",
                            0,
                            true,
                            false,
                            taskId,
                            null);
                }
            }
        } catch (SolvegateException e) {
            if (!e.taskFailed() && !SolvegateException.INTERRUPTED.equals(e.errorCode())) {
                cancelQuietly(taskId);
            }
            throw e;
        }
    }

    /**
     * The key's available balance (balance minus what in-flight tasks hold), and its package if it has one.
     *
     * @throws SolvegateException e.g. {@code ERROR_KEY_DOES_NOT_EXIST}, {@code ERROR_ACCOUNT_SUSPENDED}
     */
    public Balance getBalance() {
        return calls.call(
                new Calls.Call("getBalance", body(), null, Duration.ZERO, 0, secrets),
                Deadline.after(callTimeout),
                Wire::balance);
    }

    /**
     * Cancels a queued or solving task: it ends failed with {@code ERROR_TASK_CANCELLED}, nothing is charged. An
     * ended task is left as it is (no error).
     *
     * @throws SolvegateException {@code ERROR_TASK_NOT_FOUND} for an unknown task or another account's
     */
    public void cancelTask(long taskId) {
        cancel(taskId, Deadline.after(callTimeout));
    }

    /** The base URL calls go to. */
    public URI baseUrl() {
        return baseUrl;
    }

    @Override
    public String toString() {
        return "SolvegateClient{baseUrl=" + baseUrl + ", clientKey=(hidden), callTimeout=" + callTimeout + "}";
    }

    private long create(FunCaptchaTask task, String idempotencyKey, Deadline deadline) {
        ObjectNode body = body();
        task.writeTo(body);
        return calls.call(
                new Calls.Call("createTask", body, idempotencyKey, Duration.ZERO, 0, secrets.withProxy(task.proxy())),
                deadline,
                Wire::taskId);
    }

    private TaskResult result(long taskId, int waitSeconds, Deadline deadline) {
        ObjectNode body = body().put("taskId", taskId);
        if (waitSeconds > 0) {
            body.put("waitSeconds", waitSeconds);
        }
        return calls.call(
                new Calls.Call("getTaskResult", body, null, Duration.ofSeconds(waitSeconds), taskId, secrets),
                deadline,
                reply -> Wire.taskResult(taskId, reply));
    }

    private void cancel(long taskId, Deadline deadline) {
        calls.call(
                new Calls.Call("cancelTask", body().put("taskId", taskId), null, Duration.ZERO, taskId, secrets),
                deadline,
                reply -> null);
    }

    private void cancelQuietly(long taskId) {
        try {
            cancel(taskId, Deadline.after(CANCEL_BUDGET));
            LOG.log(Level.DEBUG, () -> "solve gave up on task " + taskId + ": cancelled it");
        } catch (SolvegateException e) {
            LOG.log(Level.DEBUG, () -> "solve gave up on task " + taskId + ": cancelling it failed: " + e.getMessage());
        }
    }

    /** How long a long-poll may wait: what the budget leaves after a second for the reply, at most 30 s. */
    private static int waitSeconds(Deadline deadline) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(deadline.remainingNanos() - POLL_NANOS);
        return (int) Math.max(0, Math.min(MAX_WAIT_SECONDS, seconds));
    }

    private ObjectNode body() {
        return Wire.object().put("clientKey", clientKey);
    }

    private static void checkIdempotencyKey(String key) {
        Objects.requireNonNull(key, "idempotencyKey");
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            throw new IllegalArgumentException(
                    "idempotencyKey must be 1 to 255 visible ASCII characters, got " + key.length() + " characters");
        }
    }

    private static Duration requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    /**
     * Configures a {@link SolvegateClient}. Each setter returns a new builder and leaves this one as it was.
     * Defaults: call timeout 60 s, request timeout 30 s (plus the long-poll's wait), connect timeout 10 s,
     * backoff from 250 ms doubling up to 5 s.
     */
    public static final class Builder {

        static final Builder DEFAULTS = new Builder(
                null,
                null,
                Duration.ofSeconds(60),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                Duration.ofMillis(250),
                Duration.ofSeconds(5),
                null);

        private final URI baseUrl;
        private final String clientKey;
        private final Duration callTimeout;
        private final Duration requestTimeout;
        private final Duration connectTimeout;
        private final Duration backoffInitial;
        private final Duration backoffMax;
        private final HttpClient httpClient;

        private Builder(
                URI baseUrl,
                String clientKey,
                Duration callTimeout,
                Duration requestTimeout,
                Duration connectTimeout,
                Duration backoffInitial,
                Duration backoffMax,
                HttpClient httpClient) {
            this.baseUrl = baseUrl;
            this.clientKey = clientKey;
            this.callTimeout = callTimeout;
            this.requestTimeout = requestTimeout;
            this.connectTimeout = connectTimeout;
            this.backoffInitial = backoffInitial;
            this.backoffMax = backoffMax;
            this.httpClient = httpClient;
        }

        /**
         * The server, e.g. {@code http://127.0.0.1:8080} or {@code https://api.example.com/solvegate/}: methods
         * are posted to {@code <baseUrl>/<method>}. Absolute http(s), without user info, query or fragment.
         */
        public Builder baseUrl(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String scheme = baseUrl.getScheme();
            if (!baseUrl.isAbsolute() || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                throw new IllegalArgumentException("baseUrl must be an absolute http or https URL: " + baseUrl);
            }
            if (baseUrl.getRawUserInfo() != null) {
                // never echo it: user info is a credential
                throw new IllegalArgumentException("baseUrl must not hold user info (a credential)");
            }
            if (baseUrl.getHost() == null || baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUrl needs a host and no query or fragment: " + baseUrl);
            }
            return new Builder(
                    baseUrl,
                    clientKey,
                    callTimeout,
                    requestTimeout,
                    connectTimeout,
                    backoffInitial,
                    backoffMax,
                    httpClient);
        }

        /** The API key ({@code clientKey}); a secret, never logged or shown. */
        public Builder clientKey(String clientKey) {
            Objects.requireNonNull(clientKey, "clientKey");
            if (clientKey.isBlank()) {
                throw new IllegalArgumentException("clientKey must not be blank");
            }
            return new Builder(
                    baseUrl,
                    clientKey,
                    callTimeout,
                    requestTimeout,
                    connectTimeout,
                    backoffInitial,
                    backoffMax,
                    httpClient);
        }

        /** The budget of one createTask, getTaskResult, getBalance or cancelTask, its retries included. */
        public Builder callTimeout(Duration callTimeout) {
            return new Builder(
                    baseUrl,
                    clientKey,
                    requirePositive(callTimeout, "callTimeout"),
                    requestTimeout,
                    connectTimeout,
                    backoffInitial,
                    backoffMax,
                    httpClient);
        }

        /** How long one HTTP exchange may wait for its reply (a long-poll gets its wait on top). */
        public Builder requestTimeout(Duration requestTimeout) {
            return new Builder(
                    baseUrl,
                    clientKey,
                    callTimeout,
                    requirePositive(requestTimeout, "requestTimeout"),
                    connectTimeout,
                    backoffInitial,
                    backoffMax,
                    httpClient);
        }

        /** How long opening a connection may take (for the client's own HttpClient only). */
        public Builder connectTimeout(Duration connectTimeout) {
            return new Builder(
                    baseUrl,
                    clientKey,
                    callTimeout,
                    requestTimeout,
                    requirePositive(connectTimeout, "connectTimeout"),
                    backoffInitial,
                    backoffMax,
                    httpClient);
        }

        /**
         * The pause before the first retry (doubled after each further failure, up to {@code max}; half of it
         * random). A {@code Retry-After} from the server is waited out even when it is longer.
         */
        public Builder backoff(Duration initial, Duration max) {
            requirePositive(initial, "initial backoff");
            requirePositive(max, "max backoff");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " is shorter than the initial " + initial);
            }
            return new Builder(
                    baseUrl, clientKey, callTimeout, requestTimeout, connectTimeout, initial, max, httpClient);
        }

        /**
         * The HttpClient to send with (its own proxy, TLS or executor settings); by default the client builds
         * one with the connect timeout and no redirects.
         */
        public Builder httpClient(HttpClient httpClient) {
            return new Builder(
                    baseUrl,
                    clientKey,
                    callTimeout,
                    requestTimeout,
                    connectTimeout,
                    backoffInitial,
                    backoffMax,
                    Objects.requireNonNull(httpClient, "httpClient"));
        }

        /** @throws IllegalStateException when the base URL or the key is not set */
        public SolvegateClient build() {
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            if (clientKey == null) {
                throw new IllegalStateException("clientKey is required");
            }
            return new SolvegateClient(this);
        }

        @Override
        public String toString() {
            return "SolvegateClient.Builder{baseUrl=" + baseUrl + ", clientKey="
                    + (clientKey == null ? "unset" : "(hidden)") + ", callTimeout=" + callTimeout + "}";
        }
    }
}
