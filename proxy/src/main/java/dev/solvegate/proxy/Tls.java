package dev.solvegate.proxy;

import java.io.IOException;
import java.net.Socket;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** TLS over an open socket, verifying the certificate for {@code host} and sending it as SNI. Thread-safety: stateless. */
final class Tls {

    private Tls() {}

    /** The platform's TLS context: its trust store, its protocols. */
    static SSLContext platformContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the platform has no default TLS context", e);
        }
    }

    /** Wraps {@code socket} (closed with the result) and completes the handshake. */
    static SSLSocket wrap(SSLContext context, Socket socket, String host, int port, int readTimeoutMillis)
            throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (Hosts.literal(host) == null) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        ssl.setSSLParameters(params);
        ssl.setSoTimeout(readTimeoutMillis);
        ssl.startHandshake();
        return ssl;
    }
}
