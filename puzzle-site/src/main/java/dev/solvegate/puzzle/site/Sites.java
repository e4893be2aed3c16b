package dev.solvegate.puzzle.site;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The registered sites, by public key and by (a digest of) private key.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class Sites {

    /** A registered site with its token-signing key, derived from the private key. */
    record Site(UUID publicKey, byte[] tokenKey) {}

    private final ConcurrentMap<UUID, Site> byPublicKey = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Site> byPrivateDigest = new ConcurrentHashMap<>();

    /** Registers {@code keys}; a public key or private key already in use is refused. */
    Site register(SiteKeys keys) {
        Site site = new Site(keys.publicKey(), Tokens.deriveKey(keys.privateKey()));
        String digest = digest(keys.privateKey());
        synchronized (this) {
            if (byPublicKey.containsKey(keys.publicKey())) {
                throw new IllegalArgumentException("public key already registered: " + keys.publicKey());
            }
            if (byPrivateDigest.containsKey(digest)) {
                throw new IllegalArgumentException("private key already used by another site");
            }
            byPublicKey.put(keys.publicKey(), site);
            byPrivateDigest.put(digest, site);
        }
        return site;
    }

    Optional<Site> byPublicKey(UUID publicKey) {
        return Optional.ofNullable(byPublicKey.get(publicKey));
    }

    Optional<Site> byPrivateKey(String privateKey) {
        return Optional.ofNullable(byPrivateDigest.get(digest(privateKey)));
    }

    private static String digest(String privateKey) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(privateKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the platform", e);
        }
    }
}
