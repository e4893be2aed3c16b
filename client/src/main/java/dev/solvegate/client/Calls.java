package dev.solvegate.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLHandshakeException;

/**
 * The one retry loop: a call is tried until it succeeds, fails with something not worth trying again, or the
 * next try would start after its deadline.
 *
 * <p>Worth trying again: a refusal whose code is one of the catalogue's retryable codes; no reply at all
 * (connection refused or reset, the reply lost after the request was sent, a request timeout); a gateway's
 * 502/503/504 without the API's JSON. Never a failed task's result (that is the task's outcome, not a refusal),
 * never any other code. A lost reply is safe to try again for every method: getTaskResult and getBalance only
 * read, cancelTask of an ended task changes nothing, and createTask's tries carry one {@code Idempotency-Key},
 * so the server answers a repeat with the task the lost reply was about.
 *
 * <p>Thread-safety: immutable.
 */
final class Calls {

    private static final System.Logger LOG = System.getLogger("dev.solvegate.client");

    /** One call: the method, its body, its idempotency key (createTask only), extra time for a long-poll. */
    record Call(
            String method, ObjectNode body, String idempotencyKey, Duration longPoll, long taskId, Secrets secrets) {}

    private final Exchange exchange;
    private final Backoff backoff;
    private final Duration requestTimeout;

    Calls(Exchange exchange, Backoff backoff, Duration requestTimeout) {
        this.exchange = exchange;
        this.backoff = backoff;
        this.requestTimeout = requestTimeout;
    }

    <T> T call(Call c, Deadline deadline, Function<Reply, T> success) {
        for (int attempt = 1; ; attempt++) {
            long left = deadline.remainingNanos();
            if (left <= 0) {
                throw new SolvegateException(
                        SolvegateException.TIMEOUT,
                        c.method() + ": no time left in the call's budget",
                        0,
                        true,
                        false,
                        c.taskId(),
                        null);
            }
            SolvegateException failure;
            Optional<Duration> retryAfter = Optional.empty();
            long started = System.nanoTime();
            try {
                Duration timeout = requestTimeout.plus(c.longPoll());
                Reply reply = exchange.post(
                        c.method(),
                        c.body(),
                        c.idempotencyKey(),
                        timeout.toNanos() < left ? timeout : Duration.ofNanos(left));
                failure = Wire.failure(reply, c.taskId(), c.secrets());
                trace(c, attempt, started, reply, failure);
                if (failure == null) {
                    return success.apply(reply);
                }
                if (!failure.retryable() || failure.taskFailed()) {
                    throw failure;
                }
                retryAfter = Backoff.retryAfter(reply.headers(), Instant.now());
            } catch (IOException e) {
                SolvegateException lost = transport(c, e);
                int n = attempt;
                LOG.log(Level.TRACE, () -> c.method() + label(c) + " try " + n + ": " + lost.description());
                if (!lost.retryable()) {
                    throw lost;
                }
                failure = lost;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SolvegateException(
                        SolvegateException.INTERRUPTED, c.method() + ": interrupted", 0, false, false, c.taskId(), e);
            }
            long delay = backoff.delayNanos(attempt, retryAfter);
            if (delay >= deadline.remainingNanos()) {
                log(
                        c,
                        attempt,
                        failure,
                        "not tried again: the next try (in " + millis(delay)
                                + " ms) would start after the call's budget");
                throw failure;
            }
            log(
                    c,
                    attempt,
                    failure,
                    "trying again in " + millis(delay) + " ms"
                            + retryAfter
                                    .map(d -> " (Retry-After " + d.toSeconds() + " s)")
                                    .orElse(""));
            sleep(delay, c.method(), c.taskId());
        }
    }

    /** Sleeps {@code nanos}; an interrupt ends the call. */
    static void sleep(long nanos, String method, long taskId) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SolvegateException(
                    SolvegateException.INTERRUPTED, method + ": interrupted", 0, false, false, taskId, e);
        }
    }

    /** No reply. Worth another try, unless TLS said no (a certificate does not fix itself). */
    private static SolvegateException transport(Call c, IOException e) {
        boolean tls = e instanceof SSLHandshakeException || causedBy(e, CertificateException.class);
        String what;
        if (e instanceof HttpConnectTimeoutException) {
            what = "no connection within the connect timeout";
        } else if (e instanceof HttpTimeoutException) {
            what = "no reply within the request timeout";
        } else if (e instanceof ConnectException) {
            what = "connection refused or unreachable";
        } else {
            what = "no reply (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + ")";
        }
        return new SolvegateException(
                SolvegateException.TRANSPORT,
                c.method() + ": " + c.secrets().scrub(what),
                0,
                !tls,
                false,
                c.taskId(),
                e);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void trace(Call c, int attempt, long started, Reply reply, SolvegateException failure) {
        LOG.log(
                Level.TRACE,
                () -> c.method() + label(c) + " try " + attempt + ": HTTP " + reply.status() + " "
                        + (failure == null ? "ok" : failure.errorCode()) + " in "
                        + millis(System.nanoTime() - started) + " ms"
                        + reply.headers()
                                .firstValue("Idempotent-Replayed")
                                .map(v -> " (Idempotent-Replayed: " + v + ")")
                                .orElse(""));
    }

    private static void log(Call c, int attempt, SolvegateException failure, String decision) {
        LOG.log(
                Level.DEBUG,
                () -> c.method() + label(c) + " try " + attempt + " failed with " + failure.errorCode()
                        + (failure.httpStatus() > 0 ? " (HTTP " + failure.httpStatus() + ")" : "") + ": " + decision);
    }

    private static String label(Call c) {
        if (c.idempotencyKey() != null) {
            return " [Idempotency-Key " + c.idempotencyKey() + "]";
        }
        return c.taskId() > 0 ? " [task " + c.taskId() + "]" : "";
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
