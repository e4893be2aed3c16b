package dev.solvegate.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * One of the kit's targets on 127.0.0.1: accepts only connections that come through the kit's proxy
 * (recording and closing any other), then either relays them to a backend or, as a tarpit, reads and never
 * answers.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #close()} from any thread.
 */
final class KitTarget implements AutoCloseable {

    private final String name;
    private final ServerSocket server;
    private final InetSocketAddress backend;
    private final IntPredicate throughProxy;
    private final List<String> direct;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param backend where to relay accepted connections, or null for a tarpit
     * @param throughProxy whether a connection from 127.0.0.1 with this port came through the kit's proxy
     * @param direct where to record connections that did not; must be safe for concurrent adds
     */
    KitTarget(String name, InetSocketAddress backend, IntPredicate throughProxy, List<String> direct)
            throws IOException {
        this.name = name;
        this.backend = backend;
        this.throughProxy = throughProxy;
        this.direct = direct;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("kit-target-" + name).start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                if (!throughProxy.test(s.getPort())) {
                    direct.add(name + " was reached from " + s.getRemoteSocketAddress() + " without the proxy");
                    Relay.close(s);
                    continue;
                }
                open.add(s);
                Thread.ofVirtual().name("kit-target-conn").start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        Socket up = null;
        try {
            InputStream in = s.getInputStream();
            if (backend == null) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return;
            }
            up = new Socket();
            open.add(up);
            up.connect(backend, 2_000);
            Relay.both(in, s, up);
        } catch (IOException e) {
            // closed
        } finally {
            open.remove(s);
            Relay.close(s);
            if (up != null) {
                open.remove(up);
                Relay.close(up);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Relay.close(server);
        open.forEach(Relay::close);
    }
}
