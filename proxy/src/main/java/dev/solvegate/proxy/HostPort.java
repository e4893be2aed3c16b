package dev.solvegate.proxy;

/**
 * A {@code host:port} or {@code [v6]:port} split into its parts. Thread-safety: immutable.
 *
 * @param host the host, brackets removed, never null
 * @param port the port text, empty when absent, null when the shape hides it
 * @param ok whether the shape was recognised
 */
record HostPort(String host, String port, boolean ok) {

    static HostPort split(String s) {
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return new HostPort(s, null, false);
            }
            String host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                return new HostPort(host, "", true);
            }
            return rest.startsWith(":") ? new HostPort(host, rest.substring(1), true) : new HostPort(host, null, false);
        }
        int colon = s.indexOf(':');
        if (colon < 0) {
            return new HostPort(s, "", true);
        }
        if (s.indexOf(':', colon + 1) >= 0) {
            return new HostPort(s, null, false);
        }
        return new HostPort(s.substring(0, colon), s.substring(colon + 1), true);
    }
}
