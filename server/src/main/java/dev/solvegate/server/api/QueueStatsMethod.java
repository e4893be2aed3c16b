package dev.solvegate.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.core.Money;
import dev.solvegate.server.core.Refusal;
import dev.solvegate.server.task.QueueStats;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * getQueueStats, in the anti-captcha shape and without a key: {@code {"queueId":7}} (FunCaptcha with a proxy,
 * a number or a numeric string) → {@code waiting} (queued tasks), {@code load} (% of the worker slots on live
 * nodes that are busy), {@code bid} (the default price, a decimal string as the family sends it), {@code speed}
 * (mean seconds from acceptance to ready over the last 10 minutes, of the tasks still retained) and {@code total}
 * (worker slots on live nodes). The figures are computed at most once per 10 s on each node.
 *
 * <p>Thread-safety: safe for concurrent use; the cached answer is replaced as a whole.
 */
final class QueueStatsMethod {

    static final int FUNCAPTCHA_QUEUE = 7;
    static final Duration CACHE = Duration.ofSeconds(10);
    static final Duration WINDOW = Duration.ofMinutes(10);

    private record Cached(long at, ObjectNode body) {}

    private final Function<Duration, QueueStats> stats;
    private final long priceMicros;
    private final Clock clock;
    private final Replies replies;
    private volatile Cached cached;

    /** @param stats the queue over a window (the engine's), queried at most once per {@link #CACHE} */
    QueueStatsMethod(Function<Duration, QueueStats> stats, long priceMicros, Clock clock, Replies replies) {
        this.stats = stats;
        this.priceMicros = priceMicros;
        this.clock = clock;
        this.replies = replies;
    }

    void routing(HttpRouting.Builder r) {
        r.post("/getQueueStats", this::getQueueStats).post("/getQueueStats/", this::getQueueStats);
    }

    private void getQueueStats(ServerRequest req, ServerResponse res) {
        Checked<JsonNode> body = Incoming.object(req);
        if (!(body instanceof Checked.Ok<JsonNode>(JsonNode json))) {
            replies.refuse(res, ((Checked.Refused<JsonNode>) body).refusal());
            return;
        }
        JsonNode queue = json.get("queueId");
        if (queue == null
                || !(queue.isIntegralNumber() || queue.isTextual())
                || !queue.asText().equals("7")) {
            replies.refuse(
                    res,
                    new Refusal(
                            ErrorCode.ERROR_MISSING_REQUEST_DATA,
                            "queueId must be 7 (FunCaptcha with a proxy): "
                                    + TaskFields.abbreviate(String.valueOf(queue))));
            return;
        }
        replies.ok(res, current());
    }

    private ObjectNode current() {
        long now = clock.millis();
        Cached c = cached;
        if (c == null || now - c.at() >= CACHE.toMillis() || now < c.at()) {
            c = new Cached(now, body(stats.apply(WINDOW)));
            cached = c;
        }
        return c.body();
    }

    private ObjectNode body(QueueStats s) {
        double load = s.total() == 0 ? 0 : 100.0 * Math.min(s.busy(), s.total()) / s.total();
        return Json.MAPPER
                .createObjectNode()
                .put("waiting", s.waiting())
                .put("load", round(load))
                .put("bid", Money.decimal(priceMicros).toPlainString())
                .put("speed", round(s.meanReadyMillis() / 1000.0))
                .put("total", s.total());
    }

    private static BigDecimal round(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
    }
}
