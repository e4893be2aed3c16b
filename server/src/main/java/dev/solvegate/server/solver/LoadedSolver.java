package dev.solvegate.server.solver;

import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SpiVersion;

/**
 * A solver this node runs, and where it came from.
 *
 * <p>Thread-safety: immutable (the solver itself is safe for concurrent use by contract).
 *
 * @param solver the instance that serves every task of its id
 * @param jar the plugin jar's file name, or {@value #BUILT_IN} for the server's own solvers
 * @param version the jar's {@code Implementation-Version}, or {@code unknown}
 * @param spi the SPI version the solver was built against
 */
public record LoadedSolver(Solver solver, String jar, String version, SpiVersion spi) {

    public static final String BUILT_IN = "built-in";

    public String id() {
        return solver.id();
    }

    /** The loader of the solver's classes: its plugin's own, or the server's for a built-in one. */
    public ClassLoader loader() {
        return solver.getClass().getClassLoader();
    }

    /** Runs {@code call} with the solver's class loader as the thread's context class loader. */
    <T> T withItsLoader(java.util.function.Supplier<T> call) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader());
        try {
            return call.get();
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
