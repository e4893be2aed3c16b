package dev.solvegate.server.config;

import dev.solvegate.server.core.Money;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's configuration, read from the environment (SPEC §3) and checked before anything starts.
 *
 * <p>Thread-safety: immutable.
 *
 * @param port public API port
 * @param adminPort admin API port
 * @param adminBind address the admin API listens on
 * @param adminToken the admin bearer token, or null to use (or generate) the one in the data folder
 * @param dataDir where the embedded database and the generated admin token live
 * @param dbUrl JDBC URL; the embedded H2 file database under {@code dataDir} when not set
 * @param dbUser database user, may be null
 * @param dbPassword database password, may be null
 * @param taskTimeout a task's whole deadline from acceptance
 * @param solveTimeout one solve attempt's limit
 * @param resultTtl how long a result is kept after its task ends
 * @param workers concurrent solves on this node
 * @param priceMicros the default price of a ready task for new accounts, in micro-units
 * @param errorStatusAlways200 compatibility mode: every error with HTTP 200
 * @param proxyAllowPrivate allow proxies on non-public addresses
 * @param lease how long a node's claim on a running task holds without a heartbeat ({@code SOLVEGATE_LEASE})
 * @param drainGrace how long shutdown waits for running solves before handing them back
 *     ({@code SOLVEGATE_DRAIN_GRACE})
 * @param dbPool database connections this node may open at most ({@code SOLVEGATE_DB_POOL})
 * @param dbQueueWait how long a request waits in all for a database connection past capacity before it is
 *     answered {@code ERROR_SERVICE_UNAVALIABLE} ({@code SOLVEGATE_DB_QUEUE_WAIT})
 * @param dbQueueMax requests waiting for a database connection at once at most; more are answered at once
 *     ({@code SOLVEGATE_DB_QUEUE_MAX})
 * @param plugins the folder of solver plugin jars ({@code SOLVEGATE_PLUGINS}), or null for none
 * @param idempotencyTtl how long an {@code Idempotency-Key} is remembered ({@code SOLVEGATE_IDEMPOTENCY_TTL})
 * @param reportWindow how long after a task's end a {@code reportIncorrect} still refunds it
 *     ({@code SOLVEGATE_REPORT_WINDOW})
 * @param maxAttempts solve attempts per task at most ({@code SOLVEGATE_MAX_ATTEMPTS})
 * @param http the listeners' connection timeouts ({@code SOLVEGATE_HTTP_…_TIMEOUT})
 */
public record Config(
        int port,
        int adminPort,
        String adminBind,
        String adminToken,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        Duration taskTimeout,
        Duration solveTimeout,
        Duration resultTtl,
        int workers,
        long priceMicros,
        boolean errorStatusAlways200,
        boolean proxyAllowPrivate,
        Duration lease,
        Duration drainGrace,
        int dbPool,
        Duration dbQueueWait,
        int dbQueueMax,
        Path plugins,
        Duration idempotencyTtl,
        Duration reportWindow,
        int maxAttempts,

        HttpTimeouts http) {

    /**
     * How long a listener waits on a client: between requests ({@code SOLVEGATE_HTTP_IDLE_TIMEOUT}, 60s), from a
     * request line to the end of its headers ({@code SOLVEGATE_HTTP_HEADER_TIMEOUT}, 10s) and from the headers to
     * the end of the body ({@code SOLVEGATE_HTTP_BODY_TIMEOUT}, 30s); past these the connection is closed.
     */
    public record HttpTimeouts(Duration idle, Duration headers, Duration body) {}

    /**
     * The smallest pool that still leaves the API a connection: the engine's share is 3/8 of the pool
     * (see {@code engine.DbSlots}), so with fewer than 3 a busy engine could starve requests.
     */
    static final int MIN_POOL = 3;

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    /** A configuration value that stops the start; its message names the variable and the bad value. */
    public static final class Invalid extends RuntimeException {
        Invalid(String variable, String rule, String value) {
            super(variable + ": " + rule + ": " + value);
        }
    }

    /**
     * Reads the configuration from environment variables.
     *
     * @throws Invalid naming the first variable whose value is wrong
     */
    public static Config fromEnv(Map<String, String> env) {
        Path dataDir = Path.of(get(env, "SOLVEGATE_DATA_DIR", "data"));
        String dbUrl = env.get("SOLVEGATE_DB_URL");
        if (dbUrl != null && !dbUrl.isBlank()) {
            if (!dbUrl.startsWith("jdbc:postgresql:") && !dbUrl.startsWith("jdbc:h2:")) {
                throw new Invalid("SOLVEGATE_DB_URL", "must be a jdbc:postgresql: or jdbc:h2: URL", dbUrl);
            }
        } else {
            dbUrl = h2FileUrl(dataDir);
        }
        Duration taskTimeout = duration(env, "SOLVEGATE_TASK_TIMEOUT", "300s");
        Duration solveTimeout = duration(env, "SOLVEGATE_SOLVE_TIMEOUT", "120s");
        String errorStatus = get(env, "SOLVEGATE_ERROR_STATUS", "seed").toLowerCase(Locale.ROOT);
        if (!errorStatus.equals("seed") && !errorStatus.equals("200")) {
            throw new Invalid("SOLVEGATE_ERROR_STATUS", "must be seed or 200", errorStatus);
        }
        long price;
        try {
            price = Money.parse(get(env, "SOLVEGATE_PRICE", "0.00075"));
        } catch (IllegalArgumentException e) {
            throw new Invalid("SOLVEGATE_PRICE", e.getMessage(), env.get("SOLVEGATE_PRICE"));
        }
        if (price < 0) {
            throw new Invalid("SOLVEGATE_PRICE", "must not be negative", env.get("SOLVEGATE_PRICE"));
        }
        String token = env.get("SOLVEGATE_ADMIN_TOKEN");
        if (token != null && !token.isEmpty() && token.length() < 16) {
            throw new Invalid(
                    "SOLVEGATE_ADMIN_TOKEN", "must be at least 16 characters", "(" + token.length() + " characters)");
        }
        return new Config(
                port(env, "SOLVEGATE_PORT", 8080),
                port(env, "SOLVEGATE_ADMIN_PORT", 8081),
                get(env, "SOLVEGATE_ADMIN_BIND", "127.0.0.1"),
                token == null || token.isEmpty() ? null : token,
                dataDir,
                dbUrl,
                env.get("SOLVEGATE_DB_USER"),
                env.get("SOLVEGATE_DB_PASSWORD"),
                taskTimeout,
                solveTimeout,
                duration(env, "SOLVEGATE_RESULT_TTL", "300s"),
                integer(env, "SOLVEGATE_WORKERS", 1000, 1, 1_000_000),
                price,
                errorStatus.equals("200"),
                bool(env, "SOLVEGATE_PROXY_ALLOW_PRIVATE", false),
                duration(env, "SOLVEGATE_LEASE", "10s"),
                duration(env, "SOLVEGATE_DRAIN_GRACE", "10s"),
                integer(env, "SOLVEGATE_DB_POOL", 32, MIN_POOL, 10_000),
                queueWait(env),
                integer(env, "SOLVEGATE_DB_QUEUE_MAX", 4096, 0, 1_000_000),
                folder(env, "SOLVEGATE_PLUGINS"),
                duration(env, "SOLVEGATE_IDEMPOTENCY_TTL", "24h"),
                duration(env, "SOLVEGATE_REPORT_WINDOW", "60s"),
                integer(env, "SOLVEGATE_MAX_ATTEMPTS", 3, 1, 100),
                new HttpTimeouts(
                        duration(env, "SOLVEGATE_HTTP_IDLE_TIMEOUT", "60s"),
                        duration(env, "SOLVEGATE_HTTP_HEADER_TIMEOUT", "10s"),
                        duration(env, "SOLVEGATE_HTTP_BODY_TIMEOUT", "30s")));
    }

    /** The embedded database's URL for a data folder. */
    public static String h2FileUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("solvegate") + H2_OPTIONS;
    }

    /**
     * Options every H2 URL gets: PostgreSQL-compatible SQL, a bounded lock wait, and no close by H2's own
     * shutdown hook (the node closes the pool itself after its drain has written the hand-backs).
     */
    public static final String H2_OPTIONS =
            ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=1000;DB_CLOSE_ON_EXIT=FALSE";

    /** Whether this configuration uses PostgreSQL. */
    public boolean postgres() {
        return dbUrl.startsWith("jdbc:postgresql:");
    }

    /** Returns a copy with other ports, for tests and the demo. */
    public Config withPorts(int port, int adminPort) {
        return new Config(
                port,
                adminPort,
                adminBind,
                adminToken,
                dataDir,
                dbUrl,
                dbUser,
                dbPassword,
                taskTimeout,
                solveTimeout,
                resultTtl,
                workers,
                priceMicros,
                errorStatusAlways200,
                proxyAllowPrivate,
                lease,
                drainGrace,
                dbPool,
                dbQueueWait,
                dbQueueMax,
                plugins,
                idempotencyTtl,
                reportWindow,
                maxAttempts,
                http);
    }

    private static String get(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration like 300s, 2m or 500ms");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static Duration duration(Map<String, String> env, String name, String fallback) {
        String text = get(env, name, fallback);
        Duration d;
        try {
            d = parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid(name, e.getMessage(), text);
        }
        if (d.isZero()) {
            throw new Invalid(name, "must be positive", text);
        }
        return d;
    }

    /**
     * {@code SOLVEGATE_DB_QUEUE_WAIT}: a positive duration up to {@link #MAX_QUEUE_WAIT}; a longer wait would
     * outlast what clients wait for an answer.
     */
    private static Duration queueWait(Map<String, String> env) {
        Duration d = duration(env, "SOLVEGATE_DB_QUEUE_WAIT", "2s");
        if (d.compareTo(MAX_QUEUE_WAIT) > 0) {
            throw new Invalid("SOLVEGATE_DB_QUEUE_WAIT", "must be at most 10s", env.get("SOLVEGATE_DB_QUEUE_WAIT"));
        }
        return d;
    }

    /** The longest {@code SOLVEGATE_DB_QUEUE_WAIT}. */
    static final Duration MAX_QUEUE_WAIT = Duration.ofSeconds(10);

    /** An existing folder, or null when the variable is not set. */
    private static Path folder(Map<String, String> env, String name) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        Path dir = Path.of(text.strip());
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new Invalid(name, "must be an existing folder", text);
        }
        return dir;
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        return integer(env, name, fallback, 0, 65535);
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(text.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Invalid(name, "must be an integer in " + min + ".." + max, text);
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        String text = get(env, name, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new Invalid(name, "must be true or false", text);
        };
    }
}
