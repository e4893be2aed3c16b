package dev.solvegate.proxy.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * Local targets reached through the proxies: a TCP echo server, and HTTP and HTTPS servers answering
 * {@code /hello} (fixed length), {@code /chunked} (chunked) and {@code /echo} (the request body and the
 * {@code X-Token} header). Thread-safety: safe; servers run on virtual threads.
 */
public final class Targets implements AutoCloseable {

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ServerSocket echo;
    private final HttpServer http;
    private final HttpsServer https;

    public Targets(SSLContext serverTls) throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress("127.0.0.1", 0), 512);
        threads.submit(this::acceptEcho);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        for (HttpServer s : new HttpServer[] {http, https}) {
            s.createContext("/", Targets::handle);
            s.setExecutor(threads);
            s.start();
        }
    }

    public int echoPort() {
        return echo.getLocalPort();
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    public int httpsPort() {
        return https.getAddress().getPort();
    }

    private static void handle(HttpExchange ex) throws IOException {
        byte[] in = ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getPath();
        String token = ex.getRequestHeaders().getFirst("X-Token");
        byte[] body =
                switch (path) {
                    case "/hello", "/chunked" ->
                        ("hello via " + ex.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.UTF_8);
                    case "/echo" ->
                        (token + ":" + new String(in, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                    default -> new byte[0];
                };
        ex.getResponseHeaders().add("X-Method", ex.getRequestMethod());
        ex.sendResponseHeaders(
                path.equals("/chunked") ? 200 : body.length == 0 ? 404 : 200,
                path.equals("/chunked") ? 0 : body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private void acceptEcho() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                threads.submit(() -> echoOne(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void echoOne(Socket s) {
        try (s;
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // client went away
        }
    }

    @Override
    public void close() throws IOException {
        echo.close();
        http.stop(0);
        https.stop(0);
        threads.shutdownNow();
    }
}
