package dev.solvegate.puzzle.site;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link PuzzleSite} runs.
 *
 * <p>Thread-safety: immutable.
 *
 * @param host the address to bind, such as {@code 127.0.0.1}
 * @param port the port to bind, 0 for a random free port
 * @param clock the time source for session and token expiry
 * @param rounds rounds per session, 1..10
 * @param imagesPerRound images per round, 2..12
 * @param sessionTtl how long a session may take from creation to its last answer
 * @param tokenTtl how long an issued token stays verifiable
 * @param maxSessions open sessions kept in memory at most; beyond that new sessions are refused (503)
 */
public record PuzzleSiteConfig(
        String host,
        int port,
        Clock clock,
        int rounds,
        int imagesPerRound,
        Duration sessionTtl,
        Duration tokenTtl,
        int maxSessions) {

    public PuzzleSiteConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sessionTtl, "sessionTtl");
        Objects.requireNonNull(tokenTtl, "tokenTtl");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
        if (rounds < 1 || rounds > 10) {
            throw new IllegalArgumentException("rounds out of range 1..10: " + rounds);
        }
        if (imagesPerRound < 2 || imagesPerRound > 12) {
            throw new IllegalArgumentException("imagesPerRound out of range 2..12: " + imagesPerRound);
        }
        if (sessionTtl.isNegative() || sessionTtl.isZero()) {
            throw new IllegalArgumentException("sessionTtl must be positive: " + sessionTtl);
        }
        if (tokenTtl.isNegative() || tokenTtl.isZero()) {
            throw new IllegalArgumentException("tokenTtl must be positive: " + tokenTtl);
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1: " + maxSessions);
        }
    }

    /** Loopback, random port, system UTC clock, 3 rounds of 6 images, 10 min sessions, 2 min tokens, 10 000 sessions. */
    public static PuzzleSiteConfig defaults() {
        return new PuzzleSiteConfig(
                "127.0.0.1", 0, Clock.systemUTC(), 3, 6, Duration.ofMinutes(10), Duration.ofMinutes(2), 10_000);
    }

    public PuzzleSiteConfig withHost(String host) {
        return new PuzzleSiteConfig(host, port, clock, rounds, imagesPerRound, sessionTtl, tokenTtl, maxSessions);
    }

    public PuzzleSiteConfig withPort(int port) {
        return new PuzzleSiteConfig(host, port, clock, rounds, imagesPerRound, sessionTtl, tokenTtl, maxSessions);
    }

    public PuzzleSiteConfig withClock(Clock clock) {
        return new PuzzleSiteConfig(host, port, clock, rounds, imagesPerRound, sessionTtl, tokenTtl, maxSessions);
    }

    public PuzzleSiteConfig withRounds(int rounds) {
        return new PuzzleSiteConfig(host, port, clock, rounds, imagesPerRound, sessionTtl, tokenTtl, maxSessions);
    }

    public PuzzleSiteConfig withSessionTtl(Duration sessionTtl) {
        return new PuzzleSiteConfig(host, port, clock, rounds, imagesPerRound, sessionTtl, tokenTtl, maxSessions);
    }

    public PuzzleSiteConfig withTokenTtl(Duration tokenTtl) {
        return new PuzzleSiteConfig(host, port, clock, rounds, imagesPerRound, sessionTtl, tokenTtl, maxSessions);
    }

    public PuzzleSiteConfig withMaxSessions(int maxSessions) {
        return new PuzzleSiteConfig(host, port, clock, rounds, imagesPerRound, sessionTtl, tokenTtl, maxSessions);
    }
}
