package dev.solvegate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ProxyEndpoint#toUri()} parses back to an equal endpoint, and {@link ProxyEndpoint#toString()} masks the
 * password, over endpoints generated from {@code new Random(seed)} (a fixed seed list; the seed is the display
 * name, so {@code endpoint(new Random(seed))} rebuilds a failing case) and over a fixed list of edge cases.
 */
class ProxyUriRoundTripTest {

    private static final List<Character> SPECIALS = List.of('é', '€', 'ж', '%', ':', '@', '/', '[', ']');

    /** Well-spread seeds: the first values of {@code new Random(1)}, {@code new Random(2)}, … are alike. */
    static LongStream seeds() {
        return new Random(20_261_201).longs(2000);
    }

    static LongStream someSeeds() {
        return seeds().limit(500);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void toUriParsesBackToAnEqualEndpoint(long seed) {
        assertRoundTrip(endpoint(new Random(seed)));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("someSeeds")
    void toStringMasksThePassword(long seed) {
        assertMasked(endpoint(new Random(seed)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeCases")
    void edgeCasesRoundTrip(ProxyEndpoint endpoint) {
        assertRoundTrip(endpoint);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeCases")
    void edgeCasesAreMasked(ProxyEndpoint endpoint) {
        assertMasked(endpoint);
    }

    private static void assertRoundTrip(ProxyEndpoint endpoint) {
        ProxyParse back = ProxyParser.parse(endpoint.toUri());
        assertThat(back).as(endpoint.toUri()).isEqualTo(new ProxyParse.Parsed(endpoint));
    }

    private static void assertMasked(ProxyEndpoint endpoint) {
        String scheme = endpoint.scheme().name().toLowerCase(Locale.ROOT);
        assertThat(endpoint.toString())
                .as(endpoint.toUri())
                .isEqualTo(scheme + "://" + endpoint.user() + ":****@" + bracketed(endpoint.host()) + ":"
                        + endpoint.port());
    }

    private static String bracketed(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Every scheme, both ends of the port range, one-character and 30-character secrets made of specials. */
    static Stream<ProxyEndpoint> edgeCases() {
        String allSpecials = "%:@/[]é€ж ";
        List<ProxyEndpoint> cases = new ArrayList<>();
        for (ProxyScheme scheme : ProxyScheme.values()) {
            cases.add(new ProxyEndpoint(scheme, "a", 1, "u", "p"));
            cases.add(new ProxyEndpoint(scheme, "proxy.example.org", 65535, "user", "pass"));
        }
        for (char c : (allSpecials + "~!#$&'()*+,;=?\"\\").toCharArray()) {
            String s = String.valueOf(c);
            cases.add(new ProxyEndpoint(ProxyScheme.HTTP, "203.0.113.7", 8080, s, s));
        }
        cases.add(new ProxyEndpoint(ProxyScheme.SOCKS5, "::1", 1080, allSpecials, allSpecials.repeat(3)));
        cases.add(new ProxyEndpoint(ProxyScheme.SOCKS5, "2001:db8::1", 1080, "%25", "%3A%40"));
        cases.add(new ProxyEndpoint(ProxyScheme.SOCKS4, "fe80::a", 1, " u ", " p "));
        cases.add(new ProxyEndpoint(ProxyScheme.HTTP, "0:0:0:0:0:0:0:0", 2, "u", "p"));
        cases.add(new ProxyEndpoint(ProxyScheme.HTTP, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65534, "u", "p"));
        cases.add(new ProxyEndpoint(ProxyScheme.HTTP, "0.0.0.0", 80, "u", "p"));
        cases.add(new ProxyEndpoint(ProxyScheme.HTTP, "255.255.255.255", 80, "u", "p"));
        cases.add(new ProxyEndpoint(
                ProxyScheme.HTTP,
                String.join(".", List.of("a".repeat(12), "0b", "c1", "z9z")),
                3128,
                "~".repeat(30),
                "€".repeat(30)));
        return cases.stream();
    }

    /** Any scheme, host (name, IPv4, IPv6 or a known IPv6 literal) and port; secrets of 1–30 characters. */
    static ProxyEndpoint endpoint(Random random) {
        ProxyScheme scheme = ProxyScheme.values()[random.nextInt(ProxyScheme.values().length)];
        String host = host(random);
        int port = 1 + random.nextInt(65535);
        return new ProxyEndpoint(scheme, host, port, secret(random), secret(random));
    }

    /** Printable ASCII, and one time in four one of {@link #SPECIALS}. */
    private static String secret(Random random) {
        int length = 1 + random.nextInt(30);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(
                    random.nextInt(4) == 0
                            ? SPECIALS.get(random.nextInt(SPECIALS.size()))
                            : (char) (' ' + random.nextInt('~' - ' ' + 1)));
        }
        return s.toString();
    }

    private static String host(Random random) {
        return switch (random.nextInt(4)) {
            case 0 ->
                String.join(
                        ".",
                        IntStream.range(0, 1 + random.nextInt(4))
                                .mapToObj(i -> label(random))
                                .toList());
            case 1 ->
                IntStream.range(0, 4)
                        .mapToObj(i -> Integer.toString(random.nextInt(256)))
                        .reduce((a, b) -> a + "." + b)
                        .orElseThrow();
            case 2 ->
                String.join(
                        ":",
                        IntStream.range(0, 8)
                                .mapToObj(i -> Integer.toHexString(random.nextInt(0x10000)))
                                .toList());
            default -> List.of("2001:db8::1", "::1", "fe80::a").get(random.nextInt(3));
        };
    }

    /** 1–12 of [a-z0-9], not all digits (a host name's label). */
    private static String label(Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        while (true) {
            int length = 1 + random.nextInt(12);
            StringBuilder s = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (!s.chars().allMatch(Character::isDigit)) {
                return s.toString();
            }
        }
    }
}
