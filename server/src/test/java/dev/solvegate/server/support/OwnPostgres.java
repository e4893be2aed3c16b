package dev.solvegate.server.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL of a test's own, for tests that kill or cut the database: a cluster made by the machine's {@code
 * initdb} in a temporary folder, run by {@code pg_ctl} on a free 127.0.0.1 port (as the {@code postgres} user when
 * the tests run as root, which PostgreSQL refuses to be). {@link #kill} is SIGKILL of the postmaster and all its
 * backends, by their process ids; {@link #start} after it runs crash recovery. Under {@code CI=true} missing
 * binaries fail the test; elsewhere it is skipped with a notice.
 *
 * <p>Thread-safety: one test thread.
 */
public final class OwnPostgres implements AutoCloseable {

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean asPostgres;

    private OwnPostgres(Path bin, Path dir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** Makes and starts a fresh cluster with a database {@code test}. */
    public static OwnPostgres create() {
        Path bin = binaries();
        try {
            Path dir = Files.createTempDirectory("solvegate-pg");
            boolean root = "root".equals(System.getProperty("user.name"));
            OwnPostgres pg = new OwnPostgres(bin, dir, freePort(), root);
            if (root) {
                pg.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
                dir.toFile().setExecutable(true, false);
            }
            pg.run(
                    List.of(
                            bin.resolve("initdb").toString(),
                            "-D",
                            pg.data.toString(),
                            "-U",
                            "postgres",
                            "--auth=trust",
                            "--no-sync",
                            "-E",
                            "UTF8"),
                    true);
            pg.start();
            pg.run(
                    List.of(
                            bin.resolve("createdb").toString(),
                            "-h",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(pg.port),
                            "-U",
                            "postgres",
                            "test"),
                    true);
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path binaries() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            Path bin = versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.naturalOrder())
                    .orElseThrow();
            return bin;
        } catch (IOException | RuntimeException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("PostgreSQL's binaries are required under CI (/usr/lib/postgresql)");
            }
            System.err.println("NOTICE: no PostgreSQL binaries in /usr/lib/postgresql; skipping");
            Assumptions.abort("no PostgreSQL binaries");
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of database {@code test}. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/test";
    }

    public String user() {
        return "postgres";
    }

    /** A connection of the test's own (outside any node's pool). */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), null);
    }

    /** Starts the cluster (after {@link #create} or {@link #kill}), waiting until it accepts connections. */
    public void start() {
        run(
                List.of(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        data.toString(),
                        "-l",
                        dir.resolve("log").toString(),
                        "-w",
                        "-t",
                        "60",
                        "-o",
                        "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off"
                                + " -c max_connections=100 -c log_min_messages=fatal",
                        "start"),
                true);
    }

    /** SIGKILL of the postmaster and every backend it started: no shutdown, no checkpoint. */
    public void kill() {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.UTF_8)
                    .getFirst()
                    .strip());
            List<ProcessHandle> all = new ArrayList<>();
            ProcessHandle.of(postmaster).ifPresent(p -> {
                all.addAll(p.descendants().toList());
                all.add(p);
            });
            all.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : all) {
                p.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not kill the test's PostgreSQL", e);
        }
    }

    /** Kills the cluster, waits {@code down}, and starts it again (crash recovery). */
    public void crashAndRestart(Duration down) throws InterruptedException {
        kill();
        Thread.sleep(down.toMillis());
        start();
    }

    private void run(List<String> command, boolean asPostgresUser) {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser && asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("commands.log").toFile())
                    .start();
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "failed: " + String.join(" ", command) + "\n" + Files.readString(dir.resolve("commands.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the cluster and deletes its folder. */
    @Override
    public void close() {
        try {
            run(
                    List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"),
                    true);
        } catch (RuntimeException e) {
            kill();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }
}
