package dev.solvegate.bench;

import io.helidon.webserver.WebServer;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP ceiling: a bare Helidon SE 4 endpoint on the same web server as the node, that reads the request
 * body and answers a fixed small JSON body, with nothing else (no filter, no parsing, no database).
 * {@code java -cp … dev.solvegate.bench.BareServer PORT}.
 */
public final class BareServer {

    private BareServer() {}

    public static void main(String[] args) {
        byte[] body = "{\"errorId\":0,\"status\":\"processing\"}".getBytes(StandardCharsets.UTF_8);
        WebServer server = WebServer.builder()
                .port(Integer.parseInt(args[0]))
                .host("127.0.0.1")
                .routing(r -> r.post("/getTaskResult", (req, res) -> {
                            req.content().as(byte[].class);
                            res.header("Content-Type", "application/json");
                            res.send(body);
                        })
                        .get("/readyz", (req, res) -> res.send("{\"status\":\"ready\"}")))
                .build()
                .start();
        System.out.println("bare server on :" + server.port());
    }
}
