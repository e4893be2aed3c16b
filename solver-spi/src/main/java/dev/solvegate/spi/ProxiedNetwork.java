package dev.solvegate.spi;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.util.Map;

/**
 * The network as a solver sees it: every connection is tunnelled through the task's proxy.
 *
 * <p>A failure to reach the proxy, to authenticate with it, or to reach the target through it throws {@link
 * ProxyFailure}; solvers usually let it propagate or return {@link SolveResult.Failed} with {@link
 * Failure#PROXY_CONNECTION}. Every socket opened here is closed by the engine when the attempt ends.
 *
 * <p>Thread-safety: safe for concurrent use within one attempt.
 */
public interface ProxiedNetwork {

    /**
     * Opens a TCP connection to {@code host:port} through the proxy.
     *
     * @throws ProxyFailure when the proxy refuses, fails authentication or cannot reach the target
     * @throws IOException on other I/O failures
     */
    Socket connect(String host, int port) throws IOException;

    /**
     * Sends one HTTP/1.1 request through the proxy and reads the whole response; {@code https} URIs are
     * wrapped in TLS with the platform's certificate checks.
     *
     * @param method such as {@code GET} or {@code POST}
     * @param uri an absolute http or https URI
     * @param headers request headers, never null
     * @param body the request body, or null for none
     * @throws ProxyFailure when the proxy refuses, fails authentication or cannot reach the target
     * @throws IOException on other I/O failures, including a malformed response
     */
    HttpReply send(String method, URI uri, Map<String, String> headers, byte[] body) throws IOException;

    /**
     * An HTTP response read in full.
     *
     * @param status the status code
     * @param headers header names in lower case, each to its last value
     * @param body the body, never null
     */
    record HttpReply(int status, Map<String, String> headers, byte[] body) {
        public HttpReply {
            headers = Map.copyOf(headers);
        }
    }
}
