package dev.solvegate.server.solver;

import dev.solvegate.testkit.Setup;
import dev.solvegate.testkit.SolverContract;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in {@code test} solver against the SPI contract (solver-testkit). */
class TestSolverContractTest {

    @Test
    void keepsTheSolverContract() {
        SolverContract.of(new TestSolver())
                .solves(t -> Setup.settings(Map.of("outcome", "token")))
                .fails("unsolvable", t -> Setup.settings(Map.of("outcome", "unsolvable")))
                .fails("processing-image", t -> Setup.settings(Map.of("outcome", "processing-image")))
                .hangs(t -> Setup.settings(Map.of("outcome", "hang")))
                .run()
                .assertPassed();
    }
}
