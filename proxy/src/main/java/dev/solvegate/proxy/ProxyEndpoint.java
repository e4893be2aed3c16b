package dev.solvegate.proxy;

/**
 * A client's proxy, parsed and validated.
 *
 * <p>Thread-safety: immutable. {@link #toString()} masks the password; use {@link #toUri()} only to store it.
 *
 * @param scheme the protocol
 * @param host a host name or an IP literal (IPv6 without brackets)
 * @param port 1..65535
 * @param user the user name, non-empty
 * @param password the password, non-empty
 */
public record ProxyEndpoint(ProxyScheme scheme, String host, int port, String user, String password) {

    /** The canonical form {@code scheme://user:pass@host:port}, with the secret in it: for storage only. */
    public String toUri() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return scheme.name().toLowerCase(java.util.Locale.ROOT) + "://" + Percent.encode(user) + ":"
                + Percent.encode(password) + "@" + h + ":" + port;
    }

    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return scheme.name().toLowerCase(java.util.Locale.ROOT) + "://" + user + ":****@" + h + ":" + port;
    }
}
