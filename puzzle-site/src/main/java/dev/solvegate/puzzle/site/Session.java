package dev.solvegate.puzzle.site;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One visitor's attempt at a site's challenge: a few rounds, each a set of images of which exactly one shows
 * the arrow upright. A wrong answer fails the session; the last right answer issues a single-use token.
 *
 * <p>Thread-safety: all state is guarded by the instance's monitor; painting happens under it, which is our
 * own bounded code, never plugin or user code.
 */
final class Session {

    /** Where a session stands. */
    enum State {
        ACTIVE,
        FAILED,
        SOLVED,
        REDEEMED
    }

    /** The images of the current round, as base64 PNGs. */
    record Round(int number, int rounds, List<String> images, Instant expiresAt) {}

    /** What an answer did. */
    sealed interface Outcome {
        record Next(int round, int rounds) implements Outcome {}

        record Solved(String token, Instant expiresAt) implements Outcome {}

        record Wrong(int round) implements Outcome {}
    }

    /** Smallest turn, in degrees, of an arrow that is not the upright one. */
    static final double MIN_TILT = 30;
    /** Largest deviation from upright of the upright arrow, in degrees. */
    static final double UPRIGHT_JITTER = 3;

    private static final SecureRandom SEEDS = new SecureRandom();

    private final String id;
    private final Sites.Site site;
    private final Instant expiresAt;
    private final int rounds;
    private final int imagesPerRound;
    private final SplittableRandom rnd = new SplittableRandom(SEEDS.nextLong());

    private int round;
    private List<String> images;
    private int answer;
    private State state = State.ACTIVE;
    private String nonce;
    private Instant tokenExpiresAt;

    Session(String id, Sites.Site site, Instant expiresAt, int rounds, int imagesPerRound) {
        this.id = id;
        this.site = site;
        this.expiresAt = expiresAt;
        this.rounds = rounds;
        this.imagesPerRound = imagesPerRound;
    }

    String id() {
        return id;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    /** The current round, painted on first request and the same on every later one. */
    synchronized Round currentRound(Instant now) {
        requireActive(now);
        if (images == null) {
            answer = rnd.nextInt(imagesPerRound);
            List<String> painted = new ArrayList<>(imagesPerRound);
            for (int i = 0; i < imagesPerRound; i++) {
                double angle = i == answer
                        ? rnd.nextDouble(-UPRIGHT_JITTER, UPRIGHT_JITTER)
                        : rnd.nextDouble(MIN_TILT, 360 - MIN_TILT);
                painted.add(Base64.getEncoder().encodeToString(ArrowPainter.paint(rnd, angle)));
            }
            images = List.copyOf(painted);
        }
        return new Round(round + 1, rounds, images, expiresAt);
    }

    /**
     * Takes an answer for the current round.
     *
     * @param roundNumber the 1-based round the client answers, or null to answer the current one
     * @param index the 0-based image index
     */
    synchronized Outcome answer(Integer roundNumber, int index, Instant now, Duration tokenTtl) {
        requireActive(now);
        if (images == null) {
            throw ApiException.conflict(
                    "round " + (round + 1) + " has not been fetched yet: GET /api/session/" + id + "/round first");
        }
        if (roundNumber != null && roundNumber != round + 1) {
            throw new ApiException(409, "round", "round " + roundNumber + " is not the current round " + (round + 1));
        }
        if (index < 0 || index >= imagesPerRound) {
            throw ApiException.badRequest("index", "index out of range 0.." + (imagesPerRound - 1) + ": " + index);
        }
        if (index != answer) {
            state = State.FAILED;
            return new Outcome.Wrong(round + 1);
        }
        round++;
        images = null;
        if (round < rounds) {
            return new Outcome.Next(round + 1, rounds);
        }
        state = State.SOLVED;
        nonce = Ids.random();
        tokenExpiresAt = now.plus(tokenTtl);
        String token =
                Tokens.sign(site.tokenKey(), new Tokens.Claims(site.publicKey(), id, now, tokenExpiresAt, nonce));
        return new Outcome.Solved(token, tokenExpiresAt);
    }

    /** Marks the token with {@code tokenNonce} used; true only the first time, for the token this session issued. */
    synchronized boolean redeem(String tokenNonce) {
        if (state != State.SOLVED || !nonce.equals(tokenNonce)) {
            return false;
        }
        state = State.REDEEMED;
        return true;
    }

    /** The index of the upright image of the current round, or -1 before it is painted; for this package's tests. */
    synchronized int currentAnswer() {
        return images == null ? -1 : answer;
    }

    /** Whether nothing can be done with this session any more at {@code now}, so it may be dropped. */
    synchronized boolean evictable(Instant now) {
        Instant until = tokenExpiresAt != null && tokenExpiresAt.isAfter(expiresAt) ? tokenExpiresAt : expiresAt;
        return now.isAfter(until);
    }

    private void requireActive(Instant now) {
        switch (state) {
            case FAILED ->
                throw ApiException.conflict("session " + id + " has failed: a wrong answer ends the session");
            case SOLVED, REDEEMED -> throw ApiException.conflict("session " + id + " is already solved");
            case ACTIVE -> {
                if (now.isAfter(expiresAt)) {
                    throw new ApiException(410, null, "session " + id + " expired at " + expiresAt);
                }
            }
        }
    }
}
