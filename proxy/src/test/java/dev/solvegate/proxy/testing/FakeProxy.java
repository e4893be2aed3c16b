package dev.solvegate.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A misbehaving proxy for one connection: runs {@code behaviour} on the accepted socket, then waits until
 * the client closes its end; {@link #clientClosed()} completes when the server reads end-of-stream or a
 * reset, which proves the client released the socket. Thread-safety: safe.
 */
public final class FakeProxy implements AutoCloseable {

    /** What the proxy does with a connection. */
    @FunctionalInterface
    public interface Behaviour {
        void run(Socket socket) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor();
    private final CompletableFuture<Void> clientClosed = new CompletableFuture<>();

    public FakeProxy(Behaviour behaviour) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        thread.submit(() -> {
            try (Socket s = server.accept()) {
                behaviour.run(s);
                InputStream in = s.getInputStream();
                while (in.read() >= 0) {
                    // drain whatever the client still sends until it closes
                }
            } catch (IOException | InterruptedException closedOrReset) {
                // a reset also means the client closed
            }
            clientClosed.complete(null);
            return null;
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    public CompletableFuture<Void> clientClosed() {
        return clientClosed;
    }

    /** Reads exactly {@code n} bytes the client sent. */
    public static byte[] read(Socket s, int n) throws IOException {
        return s.getInputStream().readNBytes(n);
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.shutdownNow();
    }
}
