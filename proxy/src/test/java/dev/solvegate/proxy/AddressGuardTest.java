package dev.solvegate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {

    private static final AddressGuard.Resolver NO_DNS = host -> {
        throw new UnknownHostException(host);
    };

    private final AddressGuard guard = new AddressGuard(false, NO_DNS);

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0.0.0.0 | unspecified",
                "0.1.2.3 | this network",
                "10.0.0.1 | private",
                "10.255.255.255 | private",
                "100.64.0.1 | CGNAT",
                "100.127.255.254 | CGNAT",
                "127.0.0.1 | loopback",
                "127.200.0.9 | loopback",
                "169.254.169.254 | link-local",
                "172.16.0.1 | private",
                "172.31.255.255 | private",
                "192.0.0.8 | IETF",
                "192.168.1.1 | private",
                "198.18.0.1 | benchmarking",
                "198.19.255.1 | benchmarking",
                "224.0.0.1 | multicast",
                "239.255.255.250 | multicast",
                "240.0.0.1 | reserved",
                "255.255.255.255 | broadcast",
                ":: | unspecified",
                "::1 | loopback",
                "fc00::1 | unique local",
                "fd12:3456::1 | unique local",
                "fe80::1 | link-local",
                "febf::1 | link-local",
                "fec0::1 | site-local",
                "ff02::1 | multicast",
                "100::1 | not global unicast",
                "::ffff:127.0.0.1 | loopback",
                "::ffff:10.1.2.3 | private",
                "::ffff:7f00:1 | loopback",
                "::127.0.0.1 | IPv4-compatible, loopback",
                "::8.8.8.8 | IPv4-compatible (deprecated)",
                "64:ff9b::10.0.0.1 | NAT64, private",
                "64:ff9b::127.0.0.1 | NAT64, loopback",
                "64:ff9b:1::1 | local-use",
                "2002:c0a8:0101::1 | 6to4, private",
                "2002:7f00:1::1 | 6to4, loopback",
                "2001:0:4136:e378:8000:63bf:f5ff:fffe | Teredo client, private",
                "2001:2::1 | benchmarking",
            })
    void deniesNonPublicLiterals(String host, String why) {
        AddressGuard.Verdict v = guard.check(host);
        assertThat(v).isInstanceOf(AddressGuard.Verdict.Denied.class);
        assertThat(((AddressGuard.Verdict.Denied) v).detail())
                .startsWith("proxy host is a non-public address (")
                .contains(why);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "8.8.8.8",
                "1.1.1.1",
                "100.63.255.255",
                "100.128.0.1",
                "172.15.255.255",
                "172.32.0.1",
                "192.169.0.1",
                "169.253.1.1",
                "223.255.255.255",
                "11.0.0.1",
                "198.17.0.1",
                "198.20.0.1",
                "192.0.2.10",
                "198.51.100.10",
                "203.0.113.7",
                "2001:4860:4860::8888",
                "2606:4700::1111",
                "2001:db8::1",
                "[2001:db8::1]",
                "64:ff9b::8.8.8.8",
                "2002:0808:0808::1",
                "::ffff:8.8.8.8",
                "3fff::1"
            })
    void allowsPublicAndDocumentationLiterals(String host) {
        assertThat(guard.check(host)).isInstanceOf(AddressGuard.Verdict.Allowed.class);
    }

    @Test
    void detailNamesHostReasonAndAddress() {
        AddressGuard g = new AddressGuard(false, host -> List.of(InetAddress.ofLiteral("127.0.0.1")));
        assertThat(g.check("sneaky.example"))
                .isEqualTo(new AddressGuard.Verdict.Denied(
                        "proxy host sneaky.example resolves to a non-public address (loopback): 127.0.0.1"));
        assertThat(guard.check("127.0.0.1"))
                .isEqualTo(new AddressGuard.Verdict.Denied("proxy host is a non-public address (loopback): 127.0.0.1"));
    }

    @Test
    void mixedPublicAndPrivateAnswersAreDenied() {
        AddressGuard g = new AddressGuard(
                false,
                host -> List.of(
                        InetAddress.ofLiteral("8.8.8.8"),
                        InetAddress.ofLiteral("2606:4700::1111"),
                        InetAddress.ofLiteral("fd00::5")));
        AddressGuard.Verdict v = g.check("mixed.example");
        assertThat(v).isInstanceOf(AddressGuard.Verdict.Denied.class);
        assertThat(((AddressGuard.Verdict.Denied) v).detail())
                .contains("unique local")
                .contains("fd00:0:0:0:0:0:0:5");
    }

    @Test
    void allPublicAnswersAreAllowedWithEveryAddress() {
        List<InetAddress> answer = List.of(InetAddress.ofLiteral("8.8.8.8"), InetAddress.ofLiteral("2606:4700::1111"));
        AddressGuard g = new AddressGuard(false, host -> answer);
        assertThat(g.check("public.example")).isEqualTo(new AddressGuard.Verdict.Allowed(answer));
    }

    @Test
    void unresolvableOrEmptyAnswerIsDenied() {
        assertThat(guard.check("nowhere.invalid"))
                .isEqualTo(new AddressGuard.Verdict.Denied("proxy host does not resolve: nowhere.invalid"));
        assertThat(new AddressGuard(false, host -> List.of()).check("empty.example"))
                .isInstanceOf(AddressGuard.Verdict.Denied.class);
        assertThat(new AddressGuard(true, NO_DNS).check("nowhere.invalid"))
                .isInstanceOf(AddressGuard.Verdict.Denied.class);
        assertThat(guard.check("")).isInstanceOf(AddressGuard.Verdict.Denied.class);
    }

    @Test
    void literalsNeverReachTheResolver() {
        AtomicInteger calls = new AtomicInteger();
        AddressGuard g = new AddressGuard(false, host -> {
            calls.incrementAndGet();
            return List.of(InetAddress.ofLiteral("8.8.8.8"));
        });
        g.check("127.0.0.1");
        g.check("::1");
        g.check("203.0.113.7");
        assertThat(calls).hasValue(0);
        g.check("name.example");
        assertThat(calls).hasValue(1);
    }

    @Test
    void allowPrivateAllowsEverythingResolvable() {
        AddressGuard g = new AddressGuard(true, host -> List.of(InetAddress.ofLiteral("10.0.0.1")));
        assertThat(g.allowPrivate()).isTrue();
        assertThat(g.check("127.0.0.1")).isInstanceOf(AddressGuard.Verdict.Allowed.class);
        assertThat(g.check("::1")).isInstanceOf(AddressGuard.Verdict.Allowed.class);
        assertThat(g.check("internal.example"))
                .isEqualTo(new AddressGuard.Verdict.Allowed(List.of(InetAddress.ofLiteral("10.0.0.1"))));
    }

    @Test
    void defaultResolverResolvesLocalhostAsLoopback() {
        AddressGuard.Verdict v = new AddressGuard(false).check("localhost");
        assertThat(v).isInstanceOf(AddressGuard.Verdict.Denied.class);
        assertThat(((AddressGuard.Verdict.Denied) v).detail()).contains("loopback");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0177.0.0.1",
                "127.0.0.01",
                "010.0.0.1",
                "00.0.0.0",
                "0x7f.0.0.1",
                "0x7f000001",
                "2130706433",
                "017700000001",
                "127.1",
                "127.0.1",
                "1.2.3.4.5",
                "example.123",
                "[::ffff:0177.0.0.1]",
                "::ffff:127.0.0.01",
                "0177.0.0.1."
            })
    void ambiguousIpv4FormsAreDeniedEvenWhenPrivateAddressesAreAllowed(String host) {
        AtomicInteger lookups = new AtomicInteger();
        AddressGuard.Resolver counting = h -> {
            lookups.incrementAndGet();
            return List.of(InetAddress.getByName("203.0.113.7"));
        };
        for (boolean allowPrivate : new boolean[] {false, true}) {
            AddressGuard.Verdict v = new AddressGuard(allowPrivate, counting).check(host);
            assertThat(v).as(host).isInstanceOf(AddressGuard.Verdict.Denied.class);
            assertThat(((AddressGuard.Verdict.Denied) v).detail())
                    .contains("ambiguous IPv4 form")
                    .endsWith(host);
        }
        assertThat(lookups).as("never resolved").hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"203.0.113.7", "198.51.100.10", "8.8.8.8", "[::ffff:203.0.113.7]", "2001:db8::1"})
    void canonicalLiteralsAreNotAmbiguous(String host) {
        assertThat(guard.check(host)).as(host).isInstanceOf(AddressGuard.Verdict.Allowed.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.example.org", "a0.example", "x.0x7f.example", "1.2.3.example"})
    void namesWhoseLastLabelIsNotANumberAreNames(String host) {
        assertThat(Hosts.ambiguousIpv4(host)).as(host).isFalse();
    }
}
