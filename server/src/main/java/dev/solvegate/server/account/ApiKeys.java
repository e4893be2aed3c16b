package dev.solvegate.server.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Client key secrets: 128 random bits as 32 hex characters (the anti-captcha family's shape), stored only as
 * their SHA-256. A fast hash is enough here because the secrets are random, not chosen by people.
 * Thread-safety: stateless.
 */
public final class ApiKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    /** Cloned per hash: cheaper than looking the algorithm up among the providers each time. */
    private static final MessageDigest SHA_256 = sha256();

    private ApiKeys() {}

    /** A new secret to show once. */
    public static String newSecret() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A new webhook secret to show once: {@code whsec_} and 256 random bits in hex. */
    public static String newWebhookSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + HexFormat.of().formatHex(bytes);
    }

    /** The stored form of a secret. */
    public static String hash(String secret) {
        MessageDigest sha;
        try {
            sha = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            sha = sha256();
        }
        return HEX.formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
