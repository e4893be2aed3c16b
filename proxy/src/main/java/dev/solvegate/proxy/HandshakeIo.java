package dev.solvegate.proxy;

import dev.solvegate.spi.ProxyFailure;
import dev.solvegate.spi.ProxyFailure.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Unbuffered reads and writes on a proxy socket under one handshake deadline: each read waits at most the
 * time left, so a proxy that trickles bytes cannot stretch the handshake. Reads never go past what they are
 * asked for, so the tunnel's first byte stays in the socket. Thread-safety: confined to one thread.
 */
final class HandshakeIo {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long deadlineNanos;
    private final String what;

    HandshakeIo(Socket socket, long timeoutNanos, String what) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.deadlineNanos = System.nanoTime() + timeoutNanos;
        this.what = what;
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    int read() throws IOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(what + " handshake deadline passed");
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
        int b = in.read();
        if (b < 0) {
            throw new EOFException("proxy closed the connection during the " + what + " handshake");
        }
        return b;
    }

    byte[] readFully(int n) throws IOException {
        byte[] buf = new byte[n];
        for (int i = 0; i < n; i++) {
            buf[i] = (byte) read();
        }
        return buf;
    }

    /** A reply the protocol does not allow. */
    ProxyFailure garbage(String detail) {
        return new ProxyFailure(Reason.PROTOCOL_ERROR, what + " proxy sent an invalid reply: " + detail);
    }
}
