package dev.solvegate.server.solver;

import dev.solvegate.spi.Failure;
import dev.solvegate.spi.SolveContext;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SolverSettings;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The deterministic {@code test} solver of SPEC §1, for integration tests and demos. Settings:
 * {@code outcome} ({@code token} by default, {@code unsolvable}, {@code processing-image},
 * {@code fingerprint-unavailable}, {@code exception}, {@code hang}) after {@code delayMs} (default 0).
 * {@code "capacity": false} makes it report no capacity, so createTask answers
 * {@code ERROR_FINGERPRINT_UNAVAILABLE}. The template's {@code target} is dialled by the engine before the
 * solver runs, not here.
 *
 * <p>Thread-safety: stateless.
 */
public final class TestSolver implements Solver {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String id() {
        return "test";
    }

    @Override
    public boolean hasCapacity(SolverSettings settings) {
        return !Boolean.FALSE.equals(settings.values().get("capacity"));
    }

    @Override
    public SolveResult solve(SolveTask task, SolveContext context) throws Exception {
        String outcome = context.settings().string("outcome").orElse("token");
        long delay = context.settings().number("delayMs").orElse(0L);
        if (delay > 0) {
            Thread.sleep(delay);
        }
        return switch (outcome) {
            case "token" -> SolveResult.solved(token(task.taskId()));
            case "unsolvable" -> SolveResult.failed(Failure.UNSOLVABLE, "test solver: unsolvable");
            case "processing-image" ->
                SolveResult.failed(Failure.PROCESSING_IMAGE, "test solver: image processing timed out");
            case "fingerprint-unavailable" ->
                SolveResult.failed(Failure.FINGERPRINT_UNAVAILABLE, "test solver: no client profile available");
            case "exception" -> throw new IllegalStateException("test solver: exception outcome");
            case "hang" -> {
                Thread.sleep(Long.MAX_VALUE);
                throw new IllegalStateException("unreachable");
            }
            default -> throw new IllegalArgumentException("test solver: unknown outcome " + outcome);
        };
    }

    private static String token(long taskId) {
        byte[] nonce = new byte[8];
        RANDOM.nextBytes(nonce);
        return "test-" + taskId + "-" + HexFormat.of().formatHex(nonce);
    }
}
