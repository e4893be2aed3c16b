package dev.solvegate.puzzle.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and reads pass tokens: {@code base64url(payload) "." base64url(HMAC-SHA256(siteKey, base64url(payload)))}
 * where the payload is the JSON {@code {"v":1,"pk","sid","iat","exp","n"}} and the site key is
 * HMAC-SHA256(privateKey, "solvegate-puzzle-token-v1"). Single use is enforced by the session, not here.
 *
 * <p>Thread-safety: stateless, safe for concurrent use.
 */
final class Tokens {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int MAX_TOKEN_CHARS = 2048;

    /** What a token says, once its signature checked out. */
    record Claims(UUID publicKey, String sessionId, Instant issuedAt, Instant expiresAt, String nonce) {}

    private Tokens() {}

    static byte[] deriveKey(String privateKey) {
        return hmac(
                privateKey.getBytes(StandardCharsets.UTF_8),
                "solvegate-puzzle-token-v1".getBytes(StandardCharsets.US_ASCII));
    }

    static String sign(byte[] siteKey, Claims claims) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("v", 1);
        payload.put("pk", claims.publicKey().toString());
        payload.put("sid", claims.sessionId());
        payload.put("iat", claims.issuedAt().getEpochSecond());
        payload.put("exp", claims.expiresAt().getEpochSecond());
        payload.put("n", claims.nonce());
        String body = B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(hmac(siteKey, body.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The token's claims if it is well formed and signed with {@code siteKey}; empty otherwise. */
    static Optional<Claims> read(byte[] siteKey, String token) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        String body = token.substring(0, dot);
        try {
            byte[] mac = B64D.decode(token.substring(dot + 1));
            byte[] expected = hmac(siteKey, body.getBytes(StandardCharsets.US_ASCII));
            if (!MessageDigest.isEqual(mac, expected)) {
                return Optional.empty();
            }
            JsonNode p = JSON.readTree(B64D.decode(body));
            if (p == null || p.path("v").asInt() != 1) {
                return Optional.empty();
            }
            return Optional.of(new Claims(
                    UUID.fromString(p.path("pk").asText()),
                    p.path("sid").asText(),
                    Instant.ofEpochSecond(p.path("iat").asLong()),
                    Instant.ofEpochSecond(p.path("exp").asLong()),
                    p.path("n").asText()));
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the platform", e);
        }
    }
}
