package dev.solvegate.client;

import static dev.solvegate.client.LiveNode.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.solvegate.client.FaultRelay.Fault;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the client logs at its finest level, through retries and failures: the decisions, never a secret. */
class LoggingTest {

    static LiveNode node;

    @BeforeAll
    static void start() {
        node = LiveNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void retriesAreLoggedWithoutKeyProxyOrToken() throws Exception {
        Logger logger = Logger.getLogger("dev.solvegate.client");
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Level before = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false); // captured here, not printed into the build's output
        logger.addHandler(capture);
        LiveNode.Account acct = node.account(10, "1");
        Solution s;
        try (FaultRelay relay = new FaultRelay(node.port())) {
            relay.inject("/createTask", Fault.dropReply());
            relay.inject("/getTaskResult", Fault.unavailable(1));
            SolvegateClient client = LiveNode.client(relay.uri(), acct.key()).build();
            s = client.solve(task(LiveNode.TOKEN), Duration.ofSeconds(20));
            catchThrowable(() -> client.createTask(task(LiveNode.TOKEN).toBuilder()
                    .proxy("http://proxyuser:" + LiveNode.PROXY_PASSWORD + "@127.0.0.1:1")
                    .build()));
        } finally {
            logger.removeHandler(capture);
            logger.setUseParentHandlers(true);
            logger.setLevel(before);
        }

        assertThat(lines)
                .anyMatch(l -> l.startsWith("FINE createTask [Idempotency-Key ")
                        && l.contains("try 1 failed with CLIENT_TRANSPORT: trying again in"))
                .anyMatch(l -> l.startsWith("FINE getTaskResult [task " + s.taskId() + "] try 1 failed with "
                                + "CLIENT_BAD_REPLY (HTTP 503): trying again in")
                        && l.contains("(Retry-After 1 s)"))
                .anyMatch(l -> l.startsWith("FINER createTask") && l.contains("HTTP 400 ERROR_INVALID_PROXY_FORMAT"));
        assertThat(String.join("\n", lines)).doesNotContain(acct.key(), LiveNode.PROXY_PASSWORD, s.token());
        assertThat(lines).allMatch(l -> l.startsWith("FINE ") || l.startsWith("FINER "));
    }
}
