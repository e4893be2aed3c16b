package dev.solvegate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ProxyUriRoundTripTest {

    @Property(tries = 2000)
    void toUriParsesBackToAnEqualEndpoint(@ForAll("endpoints") ProxyEndpoint endpoint) {
        ProxyParse back = ProxyParser.parse(endpoint.toUri());
        assertThat(back).isEqualTo(new ProxyParse.Parsed(endpoint));
    }

    @Property(tries = 500)
    void toStringMasksThePassword(@ForAll("endpoints") ProxyEndpoint endpoint) {
        String scheme = endpoint.scheme().name().toLowerCase(java.util.Locale.ROOT);
        assertThat(endpoint.toString())
                .isEqualTo(scheme + "://" + endpoint.user() + ":****@" + bracketed(endpoint.host()) + ":"
                        + endpoint.port());
    }

    private static String bracketed(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Provide
    Arbitrary<ProxyEndpoint> endpoints() {
        Arbitrary<ProxyScheme> schemes = Arbitraries.of(ProxyScheme.class);
        Arbitrary<Integer> ports = Arbitraries.integers().between(1, 65535);
        Arbitrary<String> secrets = Arbitraries.strings()
                .withCharRange(' ', '~')
                .withChars('é', '€', 'ж', '%', ':', '@', '/', '[', ']')
                .ofMinLength(1)
                .ofMaxLength(30);
        return Combinators.combine(schemes, hosts(), ports, secrets, secrets).as(ProxyEndpoint::new);
    }

    private static Arbitrary<String> hosts() {
        Arbitrary<String> label = Arbitraries.strings()
                .withCharRange('a', 'z')
                .numeric()
                .ofMinLength(1)
                .ofMaxLength(12)
                .filter(s -> !s.chars().allMatch(Character::isDigit));
        Arbitrary<String> names = label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
        Arbitrary<String> v4 = Arbitraries.integers()
                .between(0, 255)
                .list()
                .ofSize(4)
                .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        Arbitrary<String> v6 = Arbitraries.integers()
                .between(0, 0xffff)
                .list()
                .ofSize(8)
                .map(l -> String.join(":", l.stream().map(Integer::toHexString).toList()));
        return Arbitraries.oneOf(names, v4, v6, Arbitraries.of("2001:db8::1", "::1", "fe80::a"));
    }
}
