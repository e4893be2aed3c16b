package dev.solvegate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solvegate.proxy.ProxyParse.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyParserTest {

    private static ProxyEndpoint parsed(String text) {
        ProxyParse p = ProxyParser.parse(text);
        assertThat(p).isInstanceOf(ProxyParse.Parsed.class);
        return ((ProxyParse.Parsed) p).endpoint();
    }

    private static ProxyParse.Rejected rejected(ProxyParse p) {
        assertThat(p).isInstanceOf(ProxyParse.Rejected.class);
        return (ProxyParse.Rejected) p;
    }

    @Test
    void uriFormReadsEveryField() {
        assertThat(parsed("socks5://alice:s3cret@proxy.example.net:1080"))
                .isEqualTo(new ProxyEndpoint(ProxyScheme.SOCKS5, "proxy.example.net", 1080, "alice", "s3cret"));
    }

    @Test
    void schemeIsCaseInsensitiveAndHostLowerCased() {
        assertThat(parsed("SOCKS4://bob:pw@Proxy.Example.NET:1080"))
                .isEqualTo(new ProxyEndpoint(ProxyScheme.SOCKS4, "proxy.example.net", 1080, "bob", "pw"));
        assertThat(parsed("Http://bob:pw@203.0.113.7:8080").scheme()).isEqualTo(ProxyScheme.HTTP);
    }

    @Test
    void colonFormsAndAtFormMeanTheirSchemes() {
        ProxyEndpoint expected = new ProxyEndpoint(ProxyScheme.HTTP, "203.0.113.7", 8080, "user", "pass");
        assertThat(parsed("http:203.0.113.7:8080:user:pass")).isEqualTo(expected);
        assertThat(parsed("203.0.113.7:8080:user:pass")).isEqualTo(expected);
        assertThat(parsed("user:pass@203.0.113.7:8080")).isEqualTo(expected);
        assertThat(parsed("http://user:pass@203.0.113.7:8080/")).isEqualTo(expected);
        assertThat(parsed("  http://user:pass@203.0.113.7:8080  ")).isEqualTo(expected);
        assertThat(parsed("socks5:h.example:1:u:p"))
                .isEqualTo(new ProxyEndpoint(ProxyScheme.SOCKS5, "h.example", 1, "u", "p"));
    }

    @Test
    void ipv6LiteralsInBrackets() {
        assertThat(parsed("socks5://u:p@[2001:db8::1]:1080"))
                .isEqualTo(new ProxyEndpoint(ProxyScheme.SOCKS5, "2001:db8::1", 1080, "u", "p"));
        assertThat(parsed("socks5:[2001:DB8::1]:1080:u:p").host()).isEqualTo("2001:db8::1");
        assertThat(parsed("u:p@[::1]:3128").host()).isEqualTo("::1");
    }

    @Test
    void passwordMayHoldColonAndAtInUriForm() {
        ProxyEndpoint e = parsed("http://us@er:p:a@ss@host.example:3128");
        assertThat(e.user()).isEqualTo("us@er");
        assertThat(e.password()).isEqualTo("p:a@ss");
        assertThat(e.host()).isEqualTo("host.example");
    }

    @Test
    void percentEscapesDecodeInAtFormsOnly() {
        assertThat(parsed("http://a%3Ab:p%40%25@h.example:1").user()).isEqualTo("a:b");
        assertThat(parsed("http://a%3Ab:p%40%25@h.example:1").password()).isEqualTo("p@%");
        assertThat(parsed("http://u:100%@h.example:1").password()).isEqualTo("100%");
        assertThat(parsed("h.example:1:u:p%40").password()).isEqualTo("p%40");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ftp://u:p@h.example:21 | PROTOCOL",
                "https://u:p@h.example:443 | PROTOCOL",
                "socks://u:p@h.example:1080 | PROTOCOL",
                "ftp:h.example:21:u:p | PROTOCOL",
                "://u:p@h.example:1 | PROTOCOL",
                "http://u:p@h.example:0 | PORT",
                "http://u:p@h.example:65536 | PORT",
                "http://u:p@h.example:70000 | PORT",
                "http://u:p@h.example:-1 | PORT",
                "http://u:p@h.example:abc | PORT",
                "http://u:p@h.example | PORT",
                "http://u:p@h.example: | PORT",
                "h.example:99999999999:u:p | PORT",
                "http://h.example:80 | AUTH",
                "http://u@h.example:80 | AUTH",
                "http://u:@h.example:80 | AUTH",
                "http://:p@h.example:80 | AUTH",
                "h.example:80::p | AUTH",
                "h.example:80:u: | AUTH",
                "http://u:p@:80 | FORMAT",
                "http://u:p@bad host:80 | FORMAT",
                "http://u:p@h_ex!ample:80 | FORMAT",
                "http://u:p@999.1.1.1:80 | FORMAT",
                "http://u:p@2001:db8::1:80 | FORMAT",
                "http://u:p@[2001:db8::zz]:80 | FORMAT",
                "http://u:p@[fe80::1%eth0]:80 | FORMAT",
                "http://u:p@[::1]x | FORMAT",
                "a:b:c | FORMAT",
                "a:b:c:d:e:f | FORMAT",
                "justtext | FORMAT",
            })
    void rejectsWithTheRuleItBroke(String text, Problem problem) {
        assertThat(rejected(ProxyParser.parse(text)).problem()).isEqualTo(problem);
    }

    @Test
    void nullAndBlankAreFormatErrors() {
        assertThat(rejected(ProxyParser.parse(null)).problem()).isEqualTo(Problem.FORMAT);
        assertThat(rejected(ProxyParser.parse("   ")).problem()).isEqualTo(Problem.FORMAT);
    }

    @Test
    void precedenceIsProtocolThenPortThenAuthThenFormat() {
        assertThat(rejected(ProxyParser.parse("ftp://h!!:0")).problem()).isEqualTo(Problem.PROTOCOL);
        assertThat(rejected(ProxyParser.parse("http://bad host:0")).problem()).isEqualTo(Problem.PORT);
        assertThat(rejected(ProxyParser.parse("http://bad host:80")).problem()).isEqualTo(Problem.AUTH);
        assertThat(rejected(ProxyParser.parse("http://u:p@bad host:80")).problem())
                .isEqualTo(Problem.FORMAT);
    }

    @Test
    void detailsNameTheRuleAndTheBadValue() {
        assertThat(rejected(ProxyParser.parse("http://u:p@h.example:70000")).detail())
                .isEqualTo("port out of range 1..65535: 70000");
        assertThat(rejected(ProxyParser.parse("gopher://u:pw9@h.example:70")).detail())
                .isEqualTo("proxy scheme must be http, socks4 or socks5: gopher");
        assertThat(rejected(ProxyParser.parse("http://u:p@bad!host:70")).detail())
                .isEqualTo("proxy host is not a host name or IP address: bad!host");
    }

    @Test
    void passwordNeverInDetailOrToString() {
        String secret = "Zq9secretXy";
        String[] inputs = {
            "ftp://u:" + secret + "@h.example:1",
            "http://u:" + secret + "@h.example:0",
            "http://u:" + secret + "@bad host:80",
            "http://u:" + secret + "@h.example",
            "u:" + secret + ":h.example:1",
            "h.example:" + secret + ":u:" + secret,
            "http:h.example:x" + secret + ":u:" + secret,
            "h.example:1:u:" + secret + ":extra:more",
        };
        for (String input : inputs) {
            ProxyParse p = ProxyParser.parse(input);
            assertThat(p).as(input).isInstanceOf(ProxyParse.Rejected.class);
            assertThat(((ProxyParse.Rejected) p).detail()).as(input).doesNotContain(secret);
        }
        ProxyEndpoint e = parsed("socks5://u:" + secret + "@h.example:1");
        assertThat(e.toString()).doesNotContain(secret).isEqualTo("socks5://u:****@h.example:1");
    }

    @Test
    void fromFieldsBuildsEndpoint() {
        assertThat(ProxyParser.fromFields("SOCKS5", "203.0.113.7", "1080", "u", "p:@"))
                .isEqualTo(
                        new ProxyParse.Parsed(new ProxyEndpoint(ProxyScheme.SOCKS5, "203.0.113.7", 1080, "u", "p:@")));
        assertThat(ProxyParser.fromFields(null, "[2001:db8::2]", "8080", "u", "p"))
                .isEqualTo(new ProxyParse.Parsed(new ProxyEndpoint(ProxyScheme.HTTP, "2001:db8::2", 8080, "u", "p")));
        assertThat(ProxyParser.fromFields("", "h.example", "8080", "u", "p%41"))
                .isEqualTo(new ProxyParse.Parsed(new ProxyEndpoint(ProxyScheme.HTTP, "h.example", 8080, "u", "p%41")));
    }

    @Test
    void fromFieldsRejectsInOrder() {
        assertThat(rejected(ProxyParser.fromFields(null, null, null, null, null))
                        .problem())
                .isEqualTo(Problem.FORMAT);
        assertThat(rejected(ProxyParser.fromFields("https", null, "x", null, null))
                        .problem())
                .isEqualTo(Problem.PROTOCOL);
        assertThat(rejected(ProxyParser.fromFields("http", "h.example", "0", null, null))
                        .problem())
                .isEqualTo(Problem.PORT);
        assertThat(rejected(ProxyParser.fromFields("http", "h.example", null, "u", "p"))
                        .problem())
                .isEqualTo(Problem.PORT);
        assertThat(rejected(ProxyParser.fromFields("socks4", "h.example", "1", "u", null))
                        .problem())
                .isEqualTo(Problem.AUTH);
        assertThat(rejected(ProxyParser.fromFields("socks4", "h.example", "1", "", "p"))
                        .problem())
                .isEqualTo(Problem.AUTH);
        assertThat(rejected(ProxyParser.fromFields("socks4", null, "1", "u", "p"))
                        .problem())
                .isEqualTo(Problem.FORMAT);
        assertThat(rejected(ProxyParser.fromFields("socks4", "not a host", "1", "u", "secretpw"))
                        .detail())
                .doesNotContain("secretpw");
    }

    @Test
    void toUriIsCanonical() {
        ProxyEndpoint e = new ProxyEndpoint(ProxyScheme.SOCKS5, "2001:db8::1", 1080, "a@b", "p:w/%");
        assertThat(e.toUri()).isEqualTo("socks5://a%40b:p%3Aw%2F%25@[2001:db8::1]:1080");
        assertThat(parsed(e.toUri())).isEqualTo(e);
    }

    @Test
    void ambiguousIpv4HostsAreFormatErrorsThatSaySo() {
        for (String text : new String[] {
            "http://u:secretpass@0177.0.0.1:8080",
            "socks5://u:secretpass@127.1:1080",
            "0x7f.0.0.1:3128:u:secretpass",
            "u:secretpass@2130706433:3128",
            "socks5://u:secretpass@[::ffff:0177.0.0.1]:1080"
        }) {
            ProxyParse p = ProxyParser.parse(text);
            assertThat(p).as(text).isInstanceOf(ProxyParse.Rejected.class);
            ProxyParse.Rejected r = (ProxyParse.Rejected) p;
            assertThat(r.problem()).as(text).isEqualTo(Problem.FORMAT);
            assertThat(r.detail()).as(text).contains("ambiguous IPv4 form").doesNotContain("secretpass");
        }
        ProxyParse fields = ProxyParser.fromFields("http", "0177.0.0.1", "8080", "u", "p");
        assertThat(((ProxyParse.Rejected) fields).detail())
                .contains("ambiguous IPv4 form")
                .endsWith(": 0177.0.0.1");
    }
}
