package dev.solvegate.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/** Copies bytes both ways between two sockets until both directions end. Thread-safety: stateless. */
final class Relay {

    private Relay() {}

    /** Relays on the calling thread and one virtual thread; closes both sockets when done. */
    static void both(InputStream fromA, Socket a, Socket b) {
        Thread back = Thread.ofVirtual().name("kit-relay").start(() -> {
            try {
                b.getInputStream().transferTo(a.getOutputStream());
                a.shutdownOutput();
            } catch (IOException e) {
                close(a);
                close(b);
            }
        });
        try {
            fromA.transferTo(b.getOutputStream());
            b.shutdownOutput();
            back.join();
        } catch (IOException e) {
            // one side went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(a);
            close(b);
        }
    }

    static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
