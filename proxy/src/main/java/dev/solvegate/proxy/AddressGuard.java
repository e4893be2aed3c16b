package dev.solvegate.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Refuses proxies on loopback, private, link-local, multicast and other non-public addresses.
 *
 * <p>An IPv4 address in a form that resolvers read differently ({@code 0177.0.0.1}, {@code 127.1},
 * {@code 0x7f.0.0.1}, {@code ::ffff:0177.0.0.1}) is refused whatever it would mean, even when non-public
 * addresses are allowed: Java reads {@code 0177} as decimal, curl and glibc as octal.
 *
 * <p>Every address a host resolves to must be public: a name with one public and one private answer is
 * denied, since the connection could go to either. IP literals are checked without DNS. The ranges are
 * listed in {@link NonPublic}; documentation ranges (TEST-NET-1/2/3, 2001:db8::/32) are allowed, since they
 * route nowhere and the API's examples use them. Callers connect to the {@link Verdict.Allowed#addresses()} of
 * the check, never to the name again, so a later DNS answer cannot rebind the proxy to an internal host.
 *
 * <p>Thread-safety: immutable (the resolver must be thread-safe).
 */
public final class AddressGuard {

    /** The outcome of a check. */
    public sealed interface Verdict {
        /** @param addresses every address the host resolved to, all public (or all allowed) */
        record Allowed(List<InetAddress> addresses) implements Verdict {}

        /** @param detail why, naming the host and the offending address */
        record Denied(String detail) implements Verdict {}
    }

    /** Resolves a host name to its addresses; must be thread-safe. */
    @FunctionalInterface
    public interface Resolver {
        /** @throws UnknownHostException when the name does not resolve */
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    /** The start of the refusal of an IPv4 address that resolvers read differently ({@link Hosts#ambiguousIpv4}). */
    static final String AMBIGUOUS =
            "proxy host is an ambiguous IPv4 form (leading zeros, hex, octal or fewer than four parts),"
                    + " which resolvers read differently; write it as four decimal numbers: ";

    private final boolean allowPrivate;
    private final Resolver resolver;

    /** @param allowPrivate true to allow non-public addresses ({@code SOLVEGATE_PROXY_ALLOW_PRIVATE}) */
    public AddressGuard(boolean allowPrivate) {
        this(allowPrivate, host -> Arrays.asList(InetAddress.getAllByName(host)));
    }

    /**
     * @param allowPrivate true to allow non-public addresses
     * @param resolver resolves names that are not IP literals (tests inject DNS answers here)
     */
    public AddressGuard(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = java.util.Objects.requireNonNull(resolver, "resolver");
    }

    public boolean allowPrivate() {
        return allowPrivate;
    }

    /** Resolves {@code host} and checks every address; an unresolvable host is denied. */
    public Verdict check(String host) {
        if (host == null || host.isBlank()) {
            return new Verdict.Denied("proxy host is empty");
        }
        if (Hosts.ambiguousIpv4(host)) {
            return new Verdict.Denied(AMBIGUOUS + host);
        }
        InetAddress literal = Hosts.literal(host);
        List<InetAddress> addresses;
        if (literal != null) {
            addresses = List.of(literal);
        } else {
            try {
                List<InetAddress> answer = resolver.resolve(host);
                addresses = answer == null ? List.of() : List.copyOf(answer);
            } catch (UnknownHostException | RuntimeException e) {
                return new Verdict.Denied("proxy host does not resolve: " + host);
            }
            if (addresses.isEmpty()) {
                return new Verdict.Denied("proxy host does not resolve: " + host);
            }
        }
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                String why = NonPublic.reason(address);
                if (why != null) {
                    String subject = literal != null ? "proxy host is" : "proxy host " + host + " resolves to";
                    return new Verdict.Denied(
                            subject + " a non-public address (" + why + "): " + address.getHostAddress());
                }
            }
        }
        return new Verdict.Allowed(addresses);
    }
}
