package dev.solvegate.server.support;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The server tests' name resolver (installed for the whole test JVM through {@code META-INF/services}): it answers
 * {@code localhost} and this machine's own name with the loopback addresses and refuses every other name, so no
 * test — a fuzzer inventing proxy and callback hosts above all — ever sends a DNS query off the machine. The one
 * name passed on to the system resolver is the host of {@code SOLVEGATE_TEST_PG_URL}, when that is a name.
 * Thread-safety: stateless.
 */
public final class LocalOnlyResolver extends InetAddressResolverProvider {

    @Override
    public InetAddressResolver get(Configuration configuration) {
        String own = configuration.lookupLocalHostName().toLowerCase(Locale.ROOT);
        String pgHost = pgHost();
        InetAddressResolver system = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                String h = host.toLowerCase(Locale.ROOT);
                if (h.equals("localhost") || h.endsWith(".localhost") || h.equals(own)) {
                    return Stream.of(
                            InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}),
                            InetAddress.getByAddress(
                                    host, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
                }
                if (h.equals(pgHost)) {
                    return system.lookupByName(host, policy);
                }
                throw new UnknownHostException(host + " (the tests resolve no names but localhost)");
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                if (addr.length == 4 && addr[0] == 127) {
                    return "localhost";
                }
                throw new UnknownHostException("no reverse lookups in the tests");
            }
        };
    }

    private static String pgHost() {
        String url = System.getenv("SOLVEGATE_TEST_PG_URL");
        if (url == null || !url.startsWith("jdbc:")) {
            return "";
        }
        String host = URI.create(url.substring("jdbc:".length())).getHost();
        return host == null ? "" : host.toLowerCase(Locale.ROOT);
    }

    @Override
    public String name() {
        return "solvegate-tests-local-only";
    }
}
