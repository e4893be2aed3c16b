package dev.solvegate.puzzle.solver;

import dev.solvegate.spi.ProxiedNetwork;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A network that never connects anywhere: each request is answered by a test-supplied function of
 * "METHOD /path". For site behaviour the real site does not produce (unreadable images, 5xx). Records requests.
 */
final class ScriptedNetwork implements ProxiedNetwork {

    /** A canned reply: status and JSON body. */
    record Canned(int status, String json) {}

    private final Function<String, Canned> script;
    final List<String> requests = new ArrayList<>();

    ScriptedNetwork(Function<String, Canned> script) {
        this.script = script;
    }

    @Override
    public Socket connect(String host, int port) throws IOException {
        throw new IOException("scripted network opens no sockets");
    }

    @Override
    public synchronized HttpReply send(String method, URI uri, Map<String, String> headers, byte[] body) {
        String request = method + " " + uri.getPath();
        requests.add(request);
        Canned c = script.apply(request);
        return new HttpReply(
                c.status(), Map.of("content-type", "application/json"), c.json().getBytes(StandardCharsets.UTF_8));
    }
}
