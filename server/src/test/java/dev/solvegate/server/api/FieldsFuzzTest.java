package dev.solvegate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.proxy.ProxyParse;
import dev.solvegate.proxy.ProxyParser;
import dev.solvegate.server.core.Checked;
import dev.solvegate.server.core.ErrorCode;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.task.NewTask;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the two free-text fields a client sends, proxy strings and callback URLs, through the
 * proxy parser and createTask's field rules: never an exception, always an endpoint (which survives its own stored
 * form) or the one catalogue error of its rule. Names resolve only in an injected resolver: no DNS query leaves.
 */
@Tag("fuzz")
class FieldsFuzzTest {

    private static final Set<ErrorCode> PROXY_CODES = Set.of(
            ErrorCode.ERROR_MISSING_PROXY,
            ErrorCode.ERROR_INVALID_PROXY_PROTOCOL,
            ErrorCode.ERROR_INVALID_PROXY_PORT,
            ErrorCode.ERROR_INVALID_PROXY_AUTH,
            ErrorCode.ERROR_INVALID_PROXY_FORMAT);

    /** Made at the first input, not when the class loads: the fuzzer's coverage agent must see it load. */
    private static final class Fields {
        static final TaskFields FIELDS = new TaskFields(new AddressGuard(false, host -> {
            if (host.equalsIgnoreCase("proxy.example")) {
                return List.of(InetAddress.getByAddress(host, new byte[] {(byte) 198, 51, 100, 7}));
            }
            throw new UnknownHostException(host);
        }));
    }

    private static ObjectNode task(String proxy) {
        ObjectNode t = Json.MAPPER
                .createObjectNode()
                .put("type", "FunCaptchaTask")
                .put("websiteURL", "https://example.org/login")
                .put("websitePublicKey", "3f1b7a52-0c55-4a8e-9a5a-3a6c2f0b9d11")
                .put("websiteSubdomain", "challenge.example.org");
        return proxy == null ? t : t.put("proxy", proxy);
    }

    @FuzzTest(maxDuration = "10m")
    void proxyStrings(byte[] input) {
        String proxy = new String(input, StandardCharsets.UTF_8);
        if (ProxyParser.parse(proxy) instanceof ProxyParse.Parsed parsed) {
            assertThat(ProxyParser.parse(parsed.endpoint().toUri()))
                    .as("stored form of " + proxy)
                    .isEqualTo(parsed);
        }
        switch (Fields.FIELDS.check(task(proxy), null)) {
            case Checked.Ok<NewTask>(NewTask t) -> assertThat(t.proxy()).isNotNull();
            case Checked.Refused<NewTask>(var refusal) -> {
                assertThat(PROXY_CODES).as(proxy + " -> " + refusal).contains(refusal.code());
                assertThat(refusal.description()).isNotBlank();
            }
        }
    }

    @FuzzTest(maxDuration = "10m")
    void callbackUrls(byte[] input) {
        String url = new String(input, StandardCharsets.UTF_8);
        switch (Fields.FIELDS.check(
                task("http://u:p@proxy.example:8080"),
                Json.MAPPER.getNodeFactory().textNode(url))) {
            case Checked.Ok<NewTask>(NewTask t) -> {
                if (t.callbackUrl() != null) {
                    URI u = URI.create(t.callbackUrl());
                    assertThat(u.getScheme().toLowerCase(java.util.Locale.ROOT))
                            .as(url)
                            .isIn("http", "https");
                    assertThat(u.getHost()).as(url).isNotBlank();
                }
            }
            case Checked.Refused<NewTask>(var refusal) ->
                assertThat(refusal.code()).as(url + " -> " + refusal).isEqualTo(ErrorCode.ERROR_MISSING_REQUEST_DATA);
        }
    }
}
