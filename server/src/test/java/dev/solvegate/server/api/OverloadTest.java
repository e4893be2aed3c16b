package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.support.TcpForwarder;
import dev.solvegate.server.support.TestDatabase;
import dev.solvegate.server.support.TestNode;
import dev.solvegate.server.support.TestNode.Reply;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Overload is an answer, not a failure: a node on PostgreSQL with a small pool (4 connections: the gate has 3)
 * and a short queue, under a burst of hundreds of concurrent connections over real sockets (getBalance,
 * createTask, getTaskResult). Every reply is a normal answer or {@code ERROR_SERVICE_UNAVALIABLE} with {@code
 * Retry-After: 1}; never {@code ERROR_DATABASE_UNAVAILABLE}; money and the thread limit stay exact; the log has
 * no stack trace and at most a line a second about the overload; {@code /readyz} says saturated during the
 * burst and ready after. And a database that is really unreachable is still {@code ERROR_DATABASE_UNAVAILABLE}
 * within 2 s under a burst of its own.
 */
class OverloadTest {

    private static final String HOLD = "0a000000-0000-4000-8000-0000000000aa";
    private static final int MAX_THREADS = 40;
    private static final int CLIENTS = 300;
    private static final Map<String, String> SMALL =
            Map.of("SOLVEGATE_DB_POOL", "4", "SOLVEGATE_DB_QUEUE_WAIT", "200ms", "SOLVEGATE_DB_QUEUE_MAX", "32");

    /** Every WARNING and above of the node's loggers while a test runs. */
    private static final class Capture extends Handler implements AutoCloseable {
        final ConcurrentLinkedQueue<LogRecord> records = new ConcurrentLinkedQueue<>();
        private final Logger root = Logger.getLogger("");

        Capture() {
            setLevel(Level.WARNING);
            root.addHandler(this);
        }

        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            root.removeHandler(this);
        }
    }

    @Test
    void aBurstPastCapacityIsAnsweredNeverMislabelledAndTheBooksStayExact() throws Exception {
        try (TestNode node = TestNode.start(TestDatabase.POSTGRES, SMALL);
                Capture log = new Capture()) {
            long account = node.account(MAX_THREADS, "0.001");
            node.credit(account, "10");
            String key = node.key(account);
            node.template(HOLD, "test", "{\"outcome\":\"token\",\"delayMs\":600000}");
            List<Long> before = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Reply r = node.post("/createTask", createTask(key));
                assertThat(r.json().path("errorId").asInt()).as(r.raw()).isZero();
                before.add(r.json().path("taskId").asLong());
            }

            Set<Long> accepted = ConcurrentHashMap.newKeySet();
            accepted.addAll(before);
            Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            long burstStart = System.nanoTime();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int which = c % 3;
                clients.add(Thread.ofVirtual().start(() -> {
                    while (running.get()) {
                        String method;
                        Reply r;
                        switch (which) {
                            case 0 -> {
                                method = "getBalance";
                                r = node.post("/getBalance", TestNode.obj().put("clientKey", key));
                            }
                            case 1 -> {
                                method = "createTask";
                                r = node.post("/createTask", createTask(key));
                            }
                            default -> {
                                method = "getTaskResult";
                                long id = before.get(ThreadLocalRandom.current().nextInt(before.size()));
                                r = node.post(
                                        "/getTaskResult",
                                        TestNode.obj().put("clientKey", key).put("taskId", id));
                            }
                        }
                        String verdict = verdict(method, r, accepted);
                        if (verdict == null) {
                            wrong.add(method + " -> " + r.status() + " "
                                    + r.headers().map() + " " + r.raw());
                        } else {
                            answers.computeIfAbsent(method + " " + verdict, k -> new AtomicLong())
                                    .incrementAndGet();
                        }
                    }
                }));
            }
            List<String> probes = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                Reply r = node.get("/readyz", Map.of());
                probes.add(r.status() + " " + r.json().path("status").asText());
                Thread.sleep(20);
            }
            running.set(false);
            for (Thread t : clients) {
                t.join(Duration.ofSeconds(60));
            }
            long burstSeconds = Duration.ofNanos(System.nanoTime() - burstStart).toSeconds() + 1;
            Map<String, Long> seen = new TreeMap<>();
            answers.forEach((k, v) -> seen.put(k, v.get()));
            System.out.println("overload burst: " + CLIENTS + " clients, answers " + seen + ", readyz "
                    + probes.stream().distinct().toList());

            assertThat(wrong)
                    .as("replies other than an answer or the overload code")
                    .isEmpty();
            assertThat(seen.keySet().stream().filter(k -> k.endsWith(" overloaded")))
                    .as("the burst went past capacity, so some replies were the overload code " + seen)
                    .isNotEmpty();
            assertThat(seen.keySet().stream().filter(k -> k.endsWith(" ok")))
                    .as("and the node kept answering " + seen)
                    .isNotEmpty();
            assertThat(probes).as("readyz during the burst").contains("503 saturated");
            assertThat(probes).as("readyz never blames the database").noneMatch(p -> p.contains("database"));
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() ->
                            assertThat(node.get("/readyz", Map.of()).status()).isEqualTo(200));

            // money and limits: exactly the accepted tasks are in flight and held, nothing was charged
            var view = node.accountView(account);
            assertThat(accepted.size()).isLessThanOrEqualTo(MAX_THREADS);
            if (seen.containsKey("createTask thread limit")) {
                assertThat(accepted)
                        .as("refused for the thread limit only when full")
                        .hasSize(MAX_THREADS);
            }
            assertThat(view.path("inFlight").asInt()).isEqualTo(accepted.size());
            assertThat(new BigDecimal(view.path("held").asText()))
                    .isEqualByComparingTo(new BigDecimal("0.001").multiply(BigDecimal.valueOf(accepted.size())));
            assertThat(new BigDecimal(view.path("balance").asText())).isEqualByComparingTo("10");
            Reply balance = node.post("/getBalance", TestNode.obj().put("clientKey", key));
            assertThat(balance.json().path("balance").decimalValue())
                    .isEqualByComparingTo(new BigDecimal("10")
                            .subtract(new BigDecimal("0.001").multiply(BigDecimal.valueOf(accepted.size()))));

            List<LogRecord> records = List.copyOf(log.records);
            assertThat(records).as("no stack trace in the log").allSatisfy(r -> assertThat(r.getThrown())
                    .as(r.getMessage())
                    .isNull());
            long overloadLines = records.stream()
                    .filter(r -> String.valueOf(r.getMessage()).contains("overloaded"))
                    .count();
            assertThat(overloadLines)
                    .as("overload lines in the log")
                    .isPositive()
                    .isLessThanOrEqualTo(burstSeconds);
            assertThat(records.stream()
                            .filter(r -> !String.valueOf(r.getMessage()).contains("overloaded")))
                    .as("nothing else was logged")
                    .isEmpty();
        }
    }

    /**
     * What a reply is: {@code ok}, {@code overloaded} (503, the code, {@code Retry-After: 1}, the overload's
     * description), {@code thread limit} (createTask), or null when it is none of these.
     */
    private static String verdict(String method, Reply r, Set<Long> accepted) {
        if (r.json() == null) {
            return null;
        }
        if (r.status() == 200 && r.json().path("errorId").asInt(-1) == 0) {
            if (method.equals("createTask")) {
                accepted.add(r.json().path("taskId").asLong());
            }
            if (method.equals("getTaskResult")
                    && !"processing".equals(r.json().path("status").asText())) {
                return null;
            }
            return "ok";
        }
        if (r.status() == 503
                && "ERROR_SERVICE_UNAVALIABLE".equals(r.errorCode())
                && Replies.OVERLOADED.equals(r.json().path("errorDescription").asText())
                && r.headers().firstValue("Retry-After").orElse("").equals("1")) {
            return "overloaded";
        }
        if (method.equals("createTask")
                && r.status() == 429
                && "ERROR_THREAD_THRESHOLD_EXCEEDED".equals(r.errorCode())) {
            return "thread limit";
        }
        return null;
    }

    @Test
    void aDatabaseReallyUnreachableIsStillDatabaseUnavailableWithinTwoSecondsUnderABurst() throws Exception {
        String url = TestDatabase.POSTGRES.freshUrl();
        URI pg = URI.create(TestDatabase.PG_BASE.substring("jdbc:".length()));
        try (TcpForwarder relay = new TcpForwarder(pg.getHost(), pg.getPort());
                TestNode node = TestNode.start(
                        url.replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + relay.port()),
                        TestDatabase.PG_USER,
                        SMALL);
                Capture log = new Capture()) {
            long account = node.account(5, "0.001");
            node.credit(account, "1");
            String key = node.key(account);
            ObjectNode body = TestNode.obj().put("clientKey", key).put("taskId", 1);
            assertThat(node.post("/getBalance", body).status()).isEqualTo(200);

            relay.cut();
            // the first request after the cut finds out (within 2 s) ...
            assertThat(node.post("/getBalance", body).errorCode()).isEqualTo("ERROR_DATABASE_UNAVAILABLE");
            // ... and a burst far past the gate's 3 slots and 32 places is told the same, each within 2 s
            ConcurrentLinkedQueue<String> replies = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            String[] paths = {"/getBalance", "/createTask", "/getTaskResult"};
            for (int c = 0; c < 60; c++) {
                String path = paths[c % 3];
                clients.add(Thread.ofVirtual().start(() -> {
                    long start = System.nanoTime();
                    Reply r = node.post(path, body);
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    replies.add(r.status() + " " + r.errorCode() + " "
                            + r.headers().firstValue("Retry-After").orElse("-") + (millis < 2000 ? "" : " slow"));
                }));
            }
            for (Thread t : clients) {
                t.join(Duration.ofSeconds(30));
            }
            // every one is told the database is unavailable; all but the one that tries the database again (its
            // wait is the pool's 1.5 s, which a machine this loaded can stretch past 2 s) at once
            assertThat(replies).hasSize(60).allMatch(r -> r.startsWith("503 ERROR_DATABASE_UNAVAILABLE 5"));
            assertThat(replies.stream().filter(r -> r.endsWith(" slow")))
                    .as("answers over 2 s")
                    .hasSizeLessThanOrEqualTo(1);
            assertThat(node.get("/readyz", Map.of()).json().path("status").asText())
                    .isEqualTo("database unavailable");
            // the request path logs no stack trace and at most a line a second (the pool's own warning about each
            // broken connection, a few at most, and the engine's are not the request path's)
            List<LogRecord> requestPath = log.records.stream()
                    .filter(r -> String.valueOf(r.getLoggerName())
                            .matches("dev\\.solvegate\\.server\\.(api|http|admin|store)\\..*"))
                    .toList();
            assertThat(requestPath).as("no stack trace from the request path").allSatisfy(r -> assertThat(r.getThrown())
                    .as(r.getMessage())
                    .isNull());
            assertThat(requestPath.stream().filter(r -> r.getMessage().contains("database unavailable")))
                    .as("the outage's lines, at most one a second")
                    .hasSizeBetween(1, 6);

            relay.restore();
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() ->
                            assertThat(node.post("/getBalance", body).status()).isEqualTo(200));
            assertThat(node.get("/readyz", Map.of()).status()).isEqualTo(200);
        }
    }

    private static ObjectNode createTask(String key) {
        ObjectNode body = TestNode.obj().put("clientKey", key);
        body.putObject("task")
                .put("type", "FunCaptchaTask")
                .put("websiteURL", "https://example.org/login")
                .put("websitePublicKey", HOLD)
                .put("websiteSubdomain", "challenge.example.org")
                .put("proxy", "http://user:pass@203.0.113.7:8080");
        return body;
    }
}
