package dev.solvegate.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Server text is scrubbed of the key and of the proxy's credentials, in every proxy form. */
class SecretsTest {

    @Test
    void theProxyPasswordIsFoundInEveryForm() {
        assertThat(Secrets.password("http://u:pw1@203.0.113.7:8080")).isEqualTo("pw1");
        assertThat(Secrets.password("socks5://u:p@ss@203.0.113.7:1080")).isEqualTo("p@ss");
        assertThat(Secrets.password("u:pw2@203.0.113.7:8080")).isEqualTo("pw2");
        assertThat(Secrets.password("socks4:203.0.113.7:1080:u:pw3")).isEqualTo("pw3");
        assertThat(Secrets.password("203.0.113.7:8080:u:pw4")).isEqualTo("pw4");
        assertThat(Secrets.password("203.0.113.7:8080")).isNull();
        assertThat(Secrets.password("http://u@203.0.113.7:8080")).isNull();
    }

    @Test
    void keyProxyAndPasswordAreScrubbedWhereTheyStandAsWords() {
        Secrets s = Secrets.of("key0123").withProxy("http://user:pw@203.0.113.7:8080");
        assertThat(s.scrub("bad proxy http://user:pw@203.0.113.7:8080 for key0123"))
                .isEqualTo("bad proxy *** for ***");
        assertThat(s.scrub("auth failed for user:pw")).isEqualTo("auth failed for user:***");
        assertThat(s.scrub("a pwd is not a pw")).isEqualTo("a pwd is not a ***");
        assertThat(s.scrub(null)).isNull();
    }
}
