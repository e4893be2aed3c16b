package dev.solvegate.puzzle.site;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open sessions, bounded: at most {@code max} are held; dead ones (expired, and their token expired too) are
 * swept when the store is full and every {@value #SWEEP_EVERY} creations.
 *
 * <p>Thread-safety: safe for concurrent use; the bound is exact (slots are reserved before insertion).
 */
final class Sessions {

    private static final int SWEEP_EVERY = 256;

    private final ConcurrentMap<String, Session> byId = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger created = new AtomicInteger();
    private final Clock clock;
    private final PuzzleSiteConfig config;

    Sessions(PuzzleSiteConfig config) {
        this.config = config;
        this.clock = config.clock();
    }

    Session create(Sites.Site site) {
        Instant now = clock.instant();
        if (created.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now);
        }
        if (!reserve()) {
            sweep(now);
            if (!reserve()) {
                throw new ApiException(
                        503, null, "too many open sessions (max=" + config.maxSessions() + "), try again later");
            }
        }
        Session s = new Session(
                Ids.random(), site, now.plus(config.sessionTtl()), config.rounds(), config.imagesPerRound());
        byId.put(s.id(), s);
        return s;
    }

    Optional<Session> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    int size() {
        return held.get();
    }

    Instant now() {
        return clock.instant();
    }

    PuzzleSiteConfig config() {
        return config;
    }

    Duration tokenTtl() {
        return config.tokenTtl();
    }

    void sweep(Instant now) {
        byId.forEach((id, s) -> {
            if (s.evictable(now) && byId.remove(id, s)) {
                held.decrementAndGet();
            }
        });
    }

    private boolean reserve() {
        while (true) {
            int n = held.get();
            if (n >= config.maxSessions()) {
                return false;
            }
            if (held.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }
}
