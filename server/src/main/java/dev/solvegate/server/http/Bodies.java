package dev.solvegate.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.solvegate.server.core.Json;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.DirectHandler;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.DirectTransportRequest;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one reader of request bodies, for both listeners. Thread-safety: stateless.
 *
 * <p>A body whose framing fails (over {@link #MAX_BYTES}, a malformed chunk, a connection that ends before the
 * body does) is not a request at all: nothing was read that could be answered, and the rest of the connection
 * cannot be trusted to start where the next request does. So it is not a {@link Body} but the listener's protocol
 * error ({@link ProtocolErrors}: 413 or 400 with a JSON body, thrown as Helidon's {@link RequestException}), and
 * the connection is closed after it ({@link Edge}); when the client is gone, the connection is just closed. None
 * of these is logged as a failure.
 */
public final class Bodies {

    /** The largest request body either listener reads. */
    public static final long MAX_BYTES = 1 << 20;

    private static final System.Logger LOG = System.getLogger(Bodies.class.getName());

    /** A request body as read. */
    public sealed interface Body {
        /** No body, or an empty one. */
        record Empty() implements Body {}

        /** Bytes that are not one JSON value (malformed, trailing data, or an object with a duplicate key). */
        record NotJson() implements Body {}

        /** A JSON value (not necessarily an object). */
        record Parsed(JsonNode json) implements Body {}
    }

    private Bodies() {}

    /** Reads the whole body (the listener bounds its size) and parses it as JSON. */
    public static Body read(ServerRequest req) {
        if (!req.content().hasEntity()) {
            Edge.bodyDone();
            return new Body.Empty();
        }
        byte[] bytes;
        try {
            bytes = req.content().as(byte[].class);
        } catch (RuntimeException e) {
            Edge.bodyDone();
            Edge.closeAfterReply();
            throw refused(req, e);
        }
        if (!Edge.bodyDone()) {
            throw new CloseConnectionException("the body arrived after its deadline");
        }
        if (bytes.length == 0) {
            return new Body.Empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            return node == null ? new Body.Empty() : new Body.Parsed(node);
        } catch (IOException e) {
            return new Body.NotJson();
        }
    }

    /** What reading a body failed with becomes: the web server's refusal, or the connection closed. */
    private static RuntimeException refused(ServerRequest req, RuntimeException e) {
        if (e instanceof RequestException re) {
            return re; // 413 over the limit, or Helidon's own word on broken chunked framing
        }
        if (e instanceof CloseConnectionException
                || e instanceof ServerConnectionException
                || e instanceof DataReader.InsufficientDataAvailableException
                || e instanceof UncheckedIOException
                || Thread.currentThread().isInterrupted()) {
            LOG.log(System.Logger.Level.DEBUG, "request body ended early: " + e);
            return new CloseConnectionException("the connection ended inside a request body", e);
        }
        // a chunk size that is not hexadecimal and the like surface as plain parse errors
        return RequestException.builder()
                .type(DirectHandler.EventType.BAD_REQUEST)
                .status(Status.BAD_REQUEST_400)
                .request(DirectTransportRequest.create(req.prologue(), req.headers()))
                .setKeepAlive(false)
                .message("malformed request body")
                .cause(e)
                .build();
    }
}
