package dev.solvegate.proxy.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A third-party proxy server (tinyproxy, microsocks, danted) run as a child process on a free 127.0.0.1
 * port with a generated config. Binaries come from {@code .ci/proxies.sh}; when one is missing the test is
 * skipped with a message, or fails when {@code CI=true}. Thread-safety: not thread-safe; one owner.
 */
public final class ProxyProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ProxyProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public int port() {
        return port;
    }

    /** tinyproxy with Basic auth for every {@code users[i]:passwords[i]}. */
    public static ProxyProcess tinyproxy(Path dir, List<String> users, List<String> passwords) {
        String bin = require("tinyproxy");
        int port = freePort();
        StringBuilder conf = new StringBuilder()
                .append("Port ")
                .append(port)
                .append('\n')
                .append("Listen 127.0.0.1\n")
                .append("Timeout 30\n")
                .append("MaxClients 400\n")
                .append("Allow 127.0.0.1\n")
                .append("LogLevel Warning\n");
        if (isRoot()) {
            conf.append("User nobody\nGroup nogroup\n");
        }
        for (int i = 0; i < users.size(); i++) {
            conf.append("BasicAuth ")
                    .append(users.get(i))
                    .append(' ')
                    .append(passwords.get(i))
                    .append('\n');
        }
        Path file = write(dir, "tinyproxy-" + port + ".conf", conf.toString());
        return start("tinyproxy", dir, port, List.of(bin, "-d", "-c", file.toString()));
    }

    /** microsocks (SOCKS5) with one user. */
    public static ProxyProcess microsocks(Path dir, String user, String password) {
        String bin = require("microsocks");
        int port = freePort();
        return start(
                "microsocks",
                dir,
                port,
                List.of(bin, "-i", "127.0.0.1", "-p", String.valueOf(port), "-u", user, "-P", password));
    }

    /** danted (SOCKS4 and SOCKS5, method none: SOCKS4 cannot carry a password and dante checks none). */
    public static ProxyProcess danted(Path dir) {
        String bin = require("danted");
        int port = freePort();
        StringBuilder conf = new StringBuilder()
                .append("logoutput: stderr\n")
                .append("internal: 127.0.0.1 port = ")
                .append(port)
                .append('\n')
                .append("external: 127.0.0.1\n")
                .append("clientmethod: none\n")
                .append("socksmethod: none\n");
        if (isRoot()) {
            conf.append("user.privileged: root\nuser.unprivileged: nobody\n");
        }
        conf.append("client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\n")
                .append("socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\n");
        Path file = write(dir, "danted-" + port + ".conf", conf.toString());
        return start("danted", dir, port, List.of(bin, "-f", file.toString(), "-N", "1"));
    }

    private static ProxyProcess start(String name, Path dir, int port, List<String> command) {
        Path log = dir.resolve(name + "-" + port + ".log");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            ProxyProcess proxy = new ProxyProcess(name, p, port, log);
            proxy.awaitListening();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail(name + " exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        close();
        fail(name + " did not listen on 127.0.0.1:" + port + ": " + Files.readString(log));
    }

    /** Stops the process and every child it forked (danted forks workers). */
    @Override
    public void close() {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + "@127.0.0.1:" + port;
    }

    /** The binary's path; skips the test (or fails on CI) when it is not installed. */
    static String require(String binary) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin")) {
            File f = new File(dir, binary);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        String message = binary + " is not installed: run .ci/proxies.sh to test against real proxy servers";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " (CI=true, so this is a failure)");
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path write(Path dir, String file, String text) {
        try {
            return Files.writeString(dir.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
