package dev.solvegate.server.console;

import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A console's sign-ins, kept in this node's memory: a random session id in an {@code HttpOnly},
 * {@code SameSite=Strict} cookie names a session here; the browser never holds the admin token or the client
 * key. A session ends after {@link #IDLE} without use, {@link #LIFETIME} after sign-in, at sign-out, or when
 * the node stops. Each session has a CSRF token of its own, which every change must carry besides the cookie.
 *
 * <p>Thread-safety: safe for concurrent use.
 *
 * @param <T> what a session stands for (the operator, or a customer's key)
 */
public final class Sessions<T> {

    /** How long a session lasts unused. */
    public static final Duration IDLE = Duration.ofMinutes(30);

    /** How long a session lasts at most. */
    public static final Duration LIFETIME = Duration.ofHours(8);

    /** The most sessions kept; the one used longest ago makes room for a new one. */
    static final int MAX = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A live session. @param csrf the token its changes must carry */
    public record Session<T>(String id, String csrf, T principal) {}

    private static final class Entry<T> {
        final Session<T> session;
        final long createdAt;
        volatile long usedAt;

        Entry(Session<T> session, long now) {
            this.session = session;
            this.createdAt = now;
            this.usedAt = now;
        }
    }

    private final String cookie;
    private final Clock clock;
    private final Map<String, Entry<T>> byId = new ConcurrentHashMap<>();

    /** @param cookie the cookie's name, one per console so that the two never mix on one host */
    public Sessions(String cookie, Clock clock) {
        this.cookie = cookie;
        this.clock = clock;
    }

    /** A new session for {@code principal}. */
    public Session<T> open(T principal) {
        long now = clock.millis();
        byId.values().removeIf(e -> expired(e, now));
        while (byId.size() >= MAX) {
            byId.values().stream()
                    .min(Comparator.comparingLong(e -> e.usedAt))
                    .ifPresent(e -> byId.remove(e.session.id()));
        }
        Session<T> s = new Session<>(random(), random(), principal);
        byId.put(s.id(), new Entry<>(s, now));
        return s;
    }

    /** The live session the request's cookie names, which this use keeps alive; empty when none. */
    public Optional<Session<T>> find(ServerRequest req) {
        if (!req.headers().cookies().contains(cookie)) {
            return Optional.empty();
        }
        String id = req.headers().cookies().get(cookie);
        Entry<T> e = id == null ? null : byId.get(id);
        if (e == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        if (expired(e, now)) {
            byId.remove(id, e);
            return Optional.empty();
        }
        e.usedAt = now;
        return Optional.of(e.session);
    }

    /** Whether the request carries a cookie of this console at all (live or not). */
    public boolean hasCookie(ServerRequest req) {
        return req.headers().cookies().contains(cookie);
    }

    /** Ends a session. */
    public void close(Session<T> s) {
        byId.remove(s.id());
    }

    /** Ends every session of which {@code principal} holds. */
    public void closeWhere(java.util.function.Predicate<T> principal) {
        byId.values().removeIf(e -> principal.test(e.session.principal()));
    }

    /** How many sessions are live now. */
    public int size() {
        long now = clock.millis();
        return (int) byId.values().stream().filter(e -> !expired(e, now)).count();
    }

    /** The {@code Set-Cookie} value that keeps {@code s} in the browser until it closes. */
    public String setCookie(Session<T> s) {
        return cookie + "=" + s.id() + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + LIFETIME.toSeconds();
    }

    /** The {@code Set-Cookie} value that removes the cookie. */
    public String clearCookie() {
        return cookie + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    /** Whether {@code given} is the session's CSRF token, compared in constant time. */
    public static boolean csrfMatches(Session<?> s, String given) {
        return given != null
                && MessageDigest.isEqual(
                        s.csrf().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean expired(Entry<?> e, long now) {
        return now - e.usedAt >= IDLE.toMillis() || now - e.createdAt >= LIFETIME.toMillis();
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
