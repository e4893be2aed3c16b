package dev.solvegate.server.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.proxy.GuardedHttp;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.task.ResultBody;
import dev.solvegate.server.task.TaskView;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers callbacks from the database outbox ({@link Outbox}), at least once, from any node.
 *
 * <p>Design note. A task's settlement writes its callback into the outbox in the same transaction as the end,
 * so a callback exists exactly when the end does, whatever happens to the node afterwards. One poller thread
 * per node claims due rows ({@code FOR UPDATE SKIP LOCKED}, so nodes take different rows), woken by this node's
 * settlements and otherwise once a second; each claimed row is sent on a virtual thread of its own, so no
 * worker ever waits for a receiver. A try is a POST of the stored body with {@code Solvegate-Delivery: <id>}
 * (the same id on every try) and, when the account has a webhook secret, {@code Solvegate-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>}; only a 2xx within 2 s counts. A failed try is
 * repeated after about 1 s, 5 s, 25 s and 2 min, 5 tries in all. A node that dies holding a claim loses it with
 * its lease; another node then tries again, so a receiver may see a delivery twice and should deduplicate by
 * the delivery id. Per node at most {@value #PER_DESTINATION} tries run at once per destination (scheme, host,
 * port) and {@value #MAX_IN_FLIGHT} in all; due rows beyond that wait for the next poll. The receiver's address
 * must pass the {@link AddressGuard} again at each try, and the request goes to the address that passed
 * ({@link GuardedHttp}); one that no longer passes is given up.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #start()} and {@link #close()} once.
 */
final class Callbacks implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Callbacks.class.getName());
    static final int PER_DESTINATION = 4;
    static final int MAX_IN_FLIGHT = 256;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final long POLL_MILLIS = 1000;
    private static final long KEEP_DONE_MILLIS = Duration.ofDays(1).toMillis();

    private final DbSlots db;
    private final String owner;
    private final Clock clock;
    private final GuardedHttp http;
    private final Wakeup wakeup = new Wakeup();
    private final Map<String, AtomicInteger> perDestination = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Thread poller;
    private volatile boolean closed;
    private long lastReap;

    Callbacks(DbSlots db, String owner, Clock clock, AddressGuard guard) {
        this.db = db;
        this.owner = owner;
        this.clock = clock;
        this.http = new GuardedHttp(guard, TIMEOUT);
        this.poller = Thread.ofPlatform().name("solvegate-callbacks").daemon().unstarted(this::loop);
    }

    void start() {
        poller.start();
    }

    /** A callback was enqueued here: poll now rather than at the next tick. */
    void wake() {
        wakeup.signal();
    }

    private void loop() {
        while (!closed) {
            long seen = wakeup.generation();
            try {
                poll();
                reapNowAndThen();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "callback outbox poll failed: " + e);
            }
            try {
                wakeup.await(seen, POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void poll() {
        int room = MAX_IN_FLIGHT - inFlight.get();
        if (room <= 0) {
            return;
        }
        long now = clock.millis();
        List<Outbox.Due> chosen = db.inTransaction(h -> {
            List<Outbox.Due> take = new ArrayList<>();
            Map<String, Integer> planned = new HashMap<>();
            for (Outbox.Due d : Outbox.due(h, now, Math.min(room, 64))) {
                String dest = destination(d.url());
                int used = counter(dest).get() + planned.getOrDefault(dest, 0);
                if (used < PER_DESTINATION) {
                    take.add(d);
                    planned.merge(dest, 1, Integer::sum);
                }
            }
            Outbox.claim(h, take.stream().map(Outbox.Due::id).toList(), owner, now);
            return take;
        });
        for (Outbox.Due d : chosen) {
            AtomicInteger dest = counter(destination(d.url()));
            dest.incrementAndGet();
            inFlight.incrementAndGet();
            Thread.ofVirtual().name("callback-" + d.id()).start(() -> {
                try {
                    deliver(d);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "callback " + d.id() + ": not recorded: " + e);
                } finally {
                    dest.decrementAndGet();
                    inFlight.decrementAndGet();
                    wakeup.signal();
                }
            });
        }
    }

    private void deliver(Outbox.Due d) {
        String secret = db.inTransaction(h -> AccountStore.webhookSecret(h, d.accountId()));
        byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Solvegate-Delivery", Long.toString(d.id()));
        if (secret != null) {
            headers.put("Solvegate-Signature", signature(secret, clock.millis() / 1000, body));
        }
        FutureTask<Integer> send = new FutureTask<>(
                () -> http.send("POST", URI.create(d.url()), headers, body).status());
        Thread.ofVirtual().name("callback-send-" + d.id()).start(send);
        Integer status = null;
        boolean refused = false;
        try {
            status = send.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            send.cancel(true); // interrupting the virtual thread closes its socket
        } catch (ExecutionException e) {
            refused = e.getCause() instanceof GuardedHttp.Refused;
        } catch (InterruptedException e) {
            send.cancel(true);
            Thread.currentThread().interrupt();
        }
        record(d, status, refused);
    }

    private void record(Outbox.Due d, Integer status, boolean refused) {
        long now = clock.millis();
        String what = "callback " + d.id() + " of task " + d.taskId() + ", try " + (d.attempts() + 1) + " of "
                + Outbox.MAX_TRIES + ": ";
        if (status != null && status / 100 == 2) {
            db.retrying(h -> Outbox.delivered(h, d.id(), owner, status, now));
        } else if (refused) {
            LOG.log(System.Logger.Level.INFO, what + "its address no longer passes the guard; given up");
            db.retrying(h -> Outbox.refused(h, d.id(), owner, now));
        } else {
            boolean last = d.attempts() + 1 >= Outbox.MAX_TRIES;
            LOG.log(
                    System.Logger.Level.INFO,
                    what
                            + (status == null ? "no answer within 2 s" : "HTTP " + status)
                            + (last
                                    ? "; given up"
                                    : "; next in " + Outbox.backoffAfter(d.attempts() + 1) / 1000 + " s"));
            db.retrying(h -> Outbox.failed(h, d.id(), owner, d.attempts(), status, now));
        }
    }

    private void reapNowAndThen() {
        long now = clock.millis();
        if (now - lastReap < 60_000 && now >= lastReap) {
            return;
        }
        lastReap = now;
        db.inTransaction(h -> Outbox.reap(h, now - KEEP_DONE_MILLIS, 1000));
    }

    private AtomicInteger counter(String destination) {
        return perDestination.computeIfAbsent(destination, k -> new AtomicInteger());
    }

    /** {@code scheme://host:port} of a URL, lower case: what "per destination" bounds. */
    static String destination(String url) {
        URI u = URI.create(url);
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort() > 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** {@code t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>}; the key is the secret's UTF-8 bytes. */
    static String signature(String secret, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The getTaskResult body of an ended task, with its {@code taskId}: what its callback carries. */
    static ObjectNode body(TaskView t) {
        return t.token() != null ? ResultBody.ready(t).put("taskId", t.id()) : ResultBody.failed(t);
    }

    /** Stops polling and waits a little for tries in flight to record their outcome (a claim left over is taken up by another node). */
    @Override
    public void close() {
        closed = true;
        wakeup.signal();
        try {
            poller.join(2000);
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT.toMillis() + 500);
            while (inFlight.get() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
