package dev.solvegate.server.support;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import java.util.Locale;

/**
 * For the fuzz tests over HTTP: Jazzer's request-forgery detector lets connections to this machine's loopback
 * through (the tests' own requests, the node's callbacks to 127.0.0.1) and reports any other as a finding before it
 * is made, so a fuzzed proxy or callback address can never send traffic off the machine.
 */
public final class LoopbackOnly {

    private LoopbackOnly() {}

    /** Allows loopback connections until closed. */
    public static SilentCloseable allow() {
        return BugDetectors.allowNetworkConnections((host, port) -> loopback(host));
    }

    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost")
                || h.startsWith("127.")
                || h.equals("::1")
                || h.equals("[::1]")
                || h.equals("0:0:0:0:0:0:0:1");
    }
}
