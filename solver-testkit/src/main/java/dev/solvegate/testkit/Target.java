package dev.solvegate.testkit;

/**
 * A place the kit serves for the solver under test, by a name only the kit's proxy resolves: a solver that
 * tries to reach it without {@link dev.solvegate.spi.SolveContext#network()} cannot even look it up.
 *
 * <p>Thread-safety: immutable.
 *
 * @param host the name, such as {@code site.solvegate-kit.invalid}
 * @param port the port on 127.0.0.1 behind the name
 */
public record Target(String host, int port) {

    /** {@code host:port}, as a template's {@code target} setting or a task's {@code websiteSubdomain}. */
    public String authority() {
        return host + ":" + port;
    }

    /** {@code http://host:port/}. */
    public String url() {
        return "http://" + authority() + "/";
    }
}
