package dev.solvegate.server.logging;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is set up ({@link Logs}, from {@code main}): without a provider Helidon prints "There is
 * no Helidon logging implementation on classpath" to stderr at its first start. Registered in
 * {@code META-INF/services}. Thread-safety: stateless.
 */
public final class HelidonLogging implements LoggingProvider {

    /** For the service loader. */
    public HelidonLogging() {}

    @Override
    public void initialization() {
        // Logs.configure ran first in main; tests that start nodes in-process keep their own configuration
    }

    @Override
    public void runTime() {
        // as initialization
    }
}
