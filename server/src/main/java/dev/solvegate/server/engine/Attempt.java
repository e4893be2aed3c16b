package dev.solvegate.server.engine;

import dev.solvegate.proxy.ProxyDialer;
import dev.solvegate.proxy.TunnelNetwork;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.task.NewTask;
import dev.solvegate.spi.Failure;
import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.SolveResult;
import dev.solvegate.spi.SolveTask;
import dev.solvegate.spi.Solver;
import dev.solvegate.spi.SolverSettings;
import java.net.Socket;
import java.time.Instant;
import java.util.concurrent.FutureTask;

/**
 * One solve attempt: the {@code target} check through the task's proxy, then the solver, on a virtual thread
 * of its own so the worker can stop it. {@link #cancel()} interrupts that thread and closes every connection
 * the attempt made through its {@link TunnelNetwork}; the worker never waits for a solver that ignores both.
 *
 * <p>Thread-safety: {@link #cancel()} may be called from any thread; the rest from the worker's.
 */
final class Attempt {

    private static final System.Logger LOG = System.getLogger(Attempt.class.getName());

    private final TunnelNetwork network;
    private final AttemptContext context;
    private final FutureTask<Outcome> work;
    private final ClassLoader loader;

    /**
     * @param deadline when this attempt is cut off, for the solver's information; the worker enforces it
     */
    Attempt(
            ProxyDialer dialer,
            NewTask request,
            SolveTask task,
            Solver solver,
            SolverSettings settings,
            Instant deadline) {
        this.network = new TunnelNetwork(dialer, request.proxy());
        this.context = new AttemptContext(settings, deadline, network);
        this.work = new FutureTask<>(() -> solve(task, solver, settings));
        this.loader = solver.getClass().getClassLoader();
    }

    /**
     * Starts the attempt on a new virtual thread whose context class loader is the solver's (a plugin's own),
     * so libraries inside a plugin that look classes up through it find the plugin's.
     */
    void start(long taskId) {
        Thread thread = Thread.ofVirtual().name("solve-" + taskId).unstarted(work);
        thread.setContextClassLoader(loader);
        thread.start();
    }

    FutureTask<Outcome> result() {
        return work;
    }

    /** Stops the attempt: marks the context cancelled, interrupts the solver, closes its connections. */
    void cancel() {
        context.cancel();
        work.cancel(true);
        network.close();
    }

    private Outcome solve(SolveTask task, Solver solver, SolverSettings settings) {
        try {
            var target = settings.string("target");
            if (target.isPresent()) {
                Outcome refused = checkTarget(task.taskId(), target.get());
                if (refused != null) {
                    return refused;
                }
            }
            SolveResult result = solver.solve(task, context);
            return switch (result) {
                case SolveResult.Solved s -> Outcome.solved(s.token());
                case SolveResult.Failed f -> {
                    LOG.log(
                            System.Logger.Level.DEBUG,
                            "task " + task.taskId() + ": " + f.failure() + ": " + f.detail());
                    yield Outcome.failed(code(f.failure()));
                }
                case null -> {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "task " + task.taskId() + ": solver " + solver.id() + " returned null");
                    yield Outcome.failed(ErrorCode.ERROR_TASK_EXCEPTION);
                }
            };
        } catch (ProxyFailure e) {
            LOG.log(System.Logger.Level.DEBUG, "task " + task.taskId() + ": proxy failed: " + e.getMessage());
            return proxyFailed(e);
        } catch (InterruptedException e) {
            // cancelled: the worker has already decided the outcome and ignores this one
            return Outcome.failed(ErrorCode.ERROR_SOLVE_TIMEOUT);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            if (!context.cancelled()) {
                LOG.log(System.Logger.Level.WARNING, "task " + task.taskId() + ": solver " + solver.id() + " threw", e);
            }
            return Outcome.failed(ErrorCode.ERROR_TASK_EXCEPTION);
        }
    }

    /** Opens and closes a tunnel to {@code host:port}; null when it worked, else the outcome. */
    private Outcome checkTarget(long taskId, String target) throws ProxyFailure {
        int colon = target.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(target.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            port = -1;
        }
        if (colon <= 0 || port < 1 || port > 65535) {
            LOG.log(System.Logger.Level.WARNING, "task " + taskId + ": template target is not host:port: " + target);
            return Outcome.failed(ErrorCode.ERROR_TASK_EXCEPTION);
        }
        try {
            Socket tunnel = network.connect(target.substring(0, colon), port);
            tunnel.close();
            return null;
        } catch (ProxyFailure e) {
            throw e;
        } catch (java.io.IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.DEBUG, "task " + taskId + ": target " + target + " not reached: " + e);
            return Outcome.failed(ErrorCode.ERROR_PROXY_CONNECTION);
        }
    }

    /**
     * A proxy failure's outcome: {@code ERROR_PROXY_CONNECTION}, retried unless the proxy refused the
     * credentials, which the same credentials will not change.
     */
    static Outcome proxyFailed(ProxyFailure e) {
        if (e.reason() == ProxyFailure.Reason.AUTH_FAILED) {
            return Outcome.failedFinally(
                    ErrorCode.ERROR_PROXY_CONNECTION,
                    "Could not connect through the proxy: it refused the credentials");
        }
        return Outcome.failed(ErrorCode.ERROR_PROXY_CONNECTION);
    }

    static ErrorCode code(Failure failure) {
        return switch (failure) {
            case UNSOLVABLE -> ErrorCode.ERROR_CAPTCHA_UNSOLVABLE;
            case PROCESSING_IMAGE -> ErrorCode.ERROR_PROCESSING_IMAGE;
            case FINGERPRINT_UNAVAILABLE -> ErrorCode.ERROR_FINGERPRINT_UNAVAILABLE;
            case PROXY_CONNECTION -> ErrorCode.ERROR_PROXY_CONNECTION;
        };
    }
}
