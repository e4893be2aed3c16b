package dev.solvegate.server.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * libfaketime from Debian's package (installed by {@code .ci/faketime.sh}), preloaded into a child JVM to move its
 * clock. Under {@code CI=true} a missing library fails the test; elsewhere it is skipped with a notice.
 */
public final class Faketime {

    private static final List<Path> CANDIDATES = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"),
            Path.of("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"),
            Path.of("/usr/lib/faketime/libfaketime.so.1"));

    private Faketime() {}

    /** The library's path, for {@code LD_PRELOAD}. */
    public static String library() {
        for (Path p : CANDIDATES) {
            if (Files.isReadable(p)) {
                return p.toString();
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("libfaketime is required under CI (apt-get install libfaketime)");
        }
        System.err.println("NOTICE: libfaketime not installed; skipping the clock-skew test");
        Assumptions.abort("libfaketime not installed");
        return null;
    }
}
