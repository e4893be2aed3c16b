package dev.solvegate.testkit;

/**
 * The kit's targets, handed to each {@link Setup} function so the solver can be pointed at one.
 *
 * <p>Thread-safety: immutable.
 *
 * @param site the site: the author's server ({@link SolverContract#site(java.net.InetSocketAddress)}), a handler
 *     the kit serves ({@link SolverContract#site(com.sun.net.httpserver.HttpHandler)}), or by default an HTTP
 *     server answering 404 to everything
 * @param tarpit accepts connections, reads whatever is sent and never answers: a solver pointed here keeps
 *     waiting until it is cut
 * @param unreachable a name the proxy knows but cannot connect to: the proxy answers {@code 502}, which the
 *     context's network throws as {@link dev.solvegate.spi.ProxyFailure}
 */
public record Targets(Target site, Target tarpit, Target unreachable) {}
