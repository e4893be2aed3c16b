package dev.solvegate.server.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of a real server that a test can break in the ways networks break, to make a database
 * disappear and come back:
 *
 * <ul>
 *   <li>{@link #cut}: closes every relayed connection (FIN) and refuses new ones;
 *   <li>{@link #reset}: resets every relayed connection (RST) and refuses new ones;
 *   <li>{@link #blackhole}: a silent partition: connections stay open, new ones are accepted, and every byte in
 *       either direction is dropped, with no close and no reset;
 *   <li>{@link #delay}: every chunk relayed waits that long first;
 *   <li>{@link #restore}: back to normal (after a cut or reset, listening again on the same port).
 * </ul>
 *
 * Thread-safety: safe.
 */
public final class TcpForwarder implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong delayMillis = new AtomicLong();
    private volatile ServerSocket server;
    private volatile Thread acceptor;
    private volatile boolean blackhole;

    public TcpForwarder(String host, int targetPort) throws IOException {
        this.target = new InetSocketAddress(host, targetPort);
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = s.getLocalPort();
        listen(s);
    }

    public int port() {
        return port;
    }

    /** Closes every relayed connection and stops listening: clients see closed and refused connections. */
    public synchronized void cut() throws IOException {
        stopListening();
        for (Socket s : open) {
            s.close();
        }
        open.clear();
    }

    /** Resets every relayed connection (RST, no FIN) and stops listening. */
    public synchronized void reset() throws IOException {
        stopListening();
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // already closed
            }
            s.close();
        }
        open.clear();
    }

    /** Drops every byte from now on, in both directions, closing nothing: a silent partition. */
    public void blackhole() {
        blackhole = true;
    }

    /** Delays every relayed chunk by {@code millis} (0: none). */
    public void delay(long millis) {
        delayMillis.set(millis);
    }

    /** Ends a blackhole or delay, and after a cut or reset listens again on the same port. */
    public synchronized void restore() throws IOException {
        blackhole = false;
        delayMillis.set(0);
        if (server.isClosed()) {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listen(s);
        }
    }

    /**
     * Closes the listening socket and waits for the accept thread to leave: while it is inside {@code accept()}
     * the kernel keeps the socket listening, so a connection made right after the close could still be accepted
     * (and relayed). One it accepts after the close is reset.
     */
    private void stopListening() throws IOException {
        server.close();
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the forwarder stopped listening", e);
        }
    }

    private void listen(ServerSocket s) {
        server = s;
        acceptor = Thread.ofVirtual().start(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    if (s.isClosed()) { // accepted in the moment after the close
                        client.setSoLinger(true, 0);
                        client.close();
                        continue;
                    }
                    if (blackhole) {
                        open.add(client); // accepted, never answered
                        continue;
                    }
                    Socket upstream = new Socket();
                    upstream.connect(target, 2000);
                    open.add(client);
                    open.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // closed by cut(), or the target is down: the client sees its connection closed
                }
            }
        });
    }

    private void pump(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) != -1; ) {
                    long delay = delayMillis.get();
                    if (delay > 0) {
                        Thread.sleep(delay);
                    }
                    if (!blackhole) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
                open.remove(from);
                open.remove(to);
            }
        });
    }

    @Override
    public void close() throws IOException {
        blackhole = false;
        cut();
    }
}
