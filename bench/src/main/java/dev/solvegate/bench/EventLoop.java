package dev.solvegate.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One thread of the service simulation's load generator: a selector, a timer queue, and per node a bounded pool
 * of HTTP/1.1 keep-alive connections (one request per connection at a time). Everything of the clients it runs
 * (their timers, their requests, the handling of replies) happens on this one thread, so nothing is handed over
 * between threads per request.
 *
 * <p>Why so: a first version ran one virtual thread per client with blocking sockets; each reply woke a virtual
 * thread through the JDK's poller, which cost 80–130 µs of CPU per request on this machine and made 4–6 k
 * requests/s against the bare Helidon endpoint where wrk made 17–20 k. The JDK's {@code HttpClient} hands
 * over between threads as well. This loop parses what solvegate sends (a status line, headers and a
 * {@code Content-Length} body) and fails a reply in any other framing.
 *
 * <p>A request that finds every connection of its node busy waits in that node's queue, in order; its latency
 * is counted by the caller from when it was due, so the wait is part of it.
 *
 * <p>Thread-safety: {@link #at} and {@link #post} only on this loop's thread (from callbacks and timers);
 * {@link #start} and {@link #stop} from any.
 */
final class EventLoop implements Runnable {

    /** A whole HTTP/1.1 POST of a JSON body. */
    static byte[] request(int port, String path, String body) {
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + payload.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + payload.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(payload, 0, all, head.length, payload.length);
        return all;
    }

    /** A reply or a transport failure, handed to the request's callback on the loop. */
    interface Callback {
        void done(int status, String body, IOException failure);
    }

    private record Timer(long due, long seq, Runnable task) {}

    private static final class Request {
        final ByteBuffer bytes;
        final int timeoutMillis;
        final Callback callback;
        long deadline;

        Request(byte[] bytes, int timeoutMillis, Callback callback) {
            this.bytes = ByteBuffer.wrap(bytes);
            this.timeoutMillis = timeoutMillis;
            this.callback = callback;
        }
    }

    private final class Pool {
        final InetSocketAddress address;
        final int max;
        final ArrayDeque<Conn> idle = new ArrayDeque<>();
        final ArrayDeque<Request> waiting = new ArrayDeque<>();
        int open;

        Pool(InetSocketAddress address, int max) {
            this.address = address;
            this.max = max;
        }
    }

    private final Selector selector;
    private final Thread thread;
    private final List<Pool> pools = new ArrayList<>();
    private final List<Conn> conns = new ArrayList<>();
    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private final AtomicInteger openAll;
    private final AtomicInteger peakAll;
    private long seq;
    private long nextSweep;
    private volatile boolean stopped;

    /**
     * @param ports a port per pool (a node's public port; a node may have several pools)
     * @param maxima the connections this loop may open in each pool
     * @param open connections open now, all loops (for the peak)
     * @param peak the most connections open at once, all loops
     */
    EventLoop(String name, List<Integer> ports, List<Integer> maxima, AtomicInteger open, AtomicInteger peak)
            throws IOException {
        this.selector = Selector.open();
        for (int i = 0; i < ports.size(); i++) {
            pools.add(new Pool(new InetSocketAddress("127.0.0.1", ports.get(i)), maxima.get(i)));
        }
        this.openAll = open;
        this.peakAll = peak;
        this.thread = Thread.ofPlatform().name(name).unstarted(this);
    }

    /** Starts the loop with {@code first} as its first timer, due at once. */
    void start(Runnable first) {
        timers.add(new Timer(System.nanoTime(), seq++, first));
        thread.start();
    }

    /** Stops the loop and closes its connections; callbacks of requests still open are not called. */
    void stop() throws InterruptedException {
        stopped = true;
        selector.wakeup();
        thread.join(10_000);
    }

    /** Runs {@code task} on this loop at {@code nanos} ({@link System#nanoTime()}), or soon after. */
    void at(long nanos, Runnable task) {
        timers.add(new Timer(nanos, seq++, task));
    }

    /** Sends {@code request} (a whole HTTP/1.1 request) on pool {@code index}; {@code callback} gets its reply. */
    void post(int index, byte[] request, int timeoutMillis, Callback callback) {
        Pool pool = pools.get(index);
        Request r = new Request(request, timeoutMillis, callback);
        Conn c = pool.idle.pollFirst();
        if (c == null && pool.open < pool.max) {
            try {
                c = new Conn(pool);
            } catch (IOException e) {
                callback.done(0, null, e);
                return;
            }
        }
        if (c == null) {
            pool.waiting.addLast(r);
        } else {
            c.send(r);
        }
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                long now = System.nanoTime();
                while (!timers.isEmpty() && timers.peek().due <= now) {
                    timers.poll().task.run();
                }
                if (now >= nextSweep) {
                    sweepTimeouts(now);
                    nextSweep = now + 100_000_000L;
                }
                long wait = timers.isEmpty() ? 100_000_000L : timers.peek().due - System.nanoTime();
                wait = Math.min(wait, Math.max(0, nextSweep - System.nanoTime()));
                if (wait <= 0) {
                    selector.selectNow();
                } else {
                    selector.select(Math.max(1, wait / 1_000_000)); // ms; late by < 1 ms at most
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    try {
                        if (k.isValid() && k.isWritable()) {
                            c.writable();
                        }
                        if (k.isValid() && k.isReadable()) {
                            c.readable();
                        }
                    } catch (CancelledKeyException e) {
                        // closed meanwhile; its request already failed
                    }
                }
            }
        } catch (IOException e) {
            System.err.println(thread.getName() + ": selector failed: " + e);
        } finally {
            for (Conn c : new ArrayList<>(conns)) {
                c.close();
            }
            try {
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void sweepTimeouts(long now) {
        for (Conn c : new ArrayList<>(conns)) {
            if (c.current != null && now > c.current.deadline) {
                c.fail(new SocketTimeoutException("no reply in " + c.current.timeoutMillis + " ms"));
            }
        }
    }

    /** One connection of a pool; one request at a time. */
    private final class Conn {
        private final Pool pool;
        private final SocketChannel channel;
        private final SelectionKey key;
        private ByteBuffer in = ByteBuffer.allocate(4096);
        private Request current;
        private boolean closed;
        private boolean reusable = true;

        Conn(Pool pool) throws IOException {
            this.pool = pool;
            channel = SocketChannel.open();
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.socket().connect(pool.address, 5_000); // loopback: microseconds
                channel.configureBlocking(false);
                key = channel.register(selector, SelectionKey.OP_READ, this);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            pool.open++;
            conns.add(this);
            peakAll.accumulateAndGet(openAll.incrementAndGet(), Math::max);
        }

        void send(Request r) {
            current = r;
            r.deadline = System.nanoTime() + r.timeoutMillis * 1_000_000L;
            writable();
        }

        void writable() {
            try {
                channel.write(current.bytes);
                key.interestOps(
                        current.bytes.hasRemaining()
                                ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                                : SelectionKey.OP_READ);
            } catch (IOException e) {
                fail(e);
            }
        }

        void readable() {
            try {
                if (!in.hasRemaining()) {
                    in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
                }
                if (channel.read(in) < 0) {
                    fail(new EOFException("connection closed by the node"));
                    return;
                }
                if (current == null) {
                    fail(new IOException("bytes from the node with no request open"));
                    return;
                }
                parse();
            } catch (IOException | RuntimeException e) {
                fail(e instanceof IOException io ? io : new IOException(e));
            }
        }

        /** Completes the current request once its reply is whole in {@code in}. */
        private void parse() throws IOException {
            byte[] a = in.array();
            int len = in.position();
            int end = -1;
            for (int i = 3; i < len; i++) {
                if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    end = i + 1;
                    break;
                }
            }
            if (end < 0) {
                return;
            }
            String[] lines = new String(a, 0, end - 4, StandardCharsets.US_ASCII).split("\r\n");
            if (!lines[0].startsWith("HTTP/1.1 ") || lines[0].length() < 12) {
                throw new IOException("not an HTTP/1.1 status line: " + lines[0]);
            }
            int status = Integer.parseInt(lines[0].substring(9, 12));
            int length = -1;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) {
                    throw new IOException("malformed header: " + lines[i]);
                }
                String name = lines[i].substring(0, colon).trim();
                String value = lines[i].substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    throw new IOException("unsupported Transfer-Encoding: " + value);
                } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                    reusable = false;
                }
            }
            if (length < 0) {
                throw new IOException("reply without Content-Length, status " + status);
            }
            if (len < end + length) {
                return;
            }
            String body = new String(a, end, length, StandardCharsets.UTF_8);
            Request r = current;
            current = null;
            in.clear();
            if (reusable) {
                released();
            } else {
                close();
            }
            r.callback.done(status, body, null);
        }

        /** Takes the next waiting request of its node, or goes idle. */
        private void released() {
            Request next = pool.waiting.pollFirst();
            if (next != null) {
                send(next);
            } else {
                pool.idle.addFirst(this);
            }
        }

        void fail(IOException e) {
            Request r = current;
            current = null;
            close();
            if (r != null) {
                r.callback.done(0, null, e);
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            pool.open--;
            pool.idle.remove(this);
            conns.remove(this);
            openAll.decrementAndGet();
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
            // a waiting request gets a fresh connection in this one's place
            Request next = pool.waiting.pollFirst();
            if (next != null) {
                try {
                    new Conn(pool).send(next);
                } catch (IOException e) {
                    next.callback.done(0, null, e);
                }
            }
        }
    }
}
