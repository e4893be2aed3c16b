package dev.solvegate.puzzle.site;

import java.util.Objects;
import java.util.UUID;

/**
 * The keys of one registered site: the public key goes into the page, the private key stays on the site
 * owner's server and is needed to verify tokens.
 *
 * <p>Thread-safety: immutable. {@link #toString()} never shows the private key.
 *
 * @param publicKey the site's public key
 * @param privateKey the site's secret, at least 16 characters
 */
public record SiteKeys(UUID publicKey, String privateKey) {

    public SiteKeys {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(privateKey, "privateKey");
        if (privateKey.length() < 16) {
            throw new IllegalArgumentException(
                    "privateKey must have at least 16 characters, got " + privateKey.length());
        }
    }

    @Override
    public String toString() {
        return "SiteKeys[publicKey=" + publicKey + ", privateKey=***]";
    }
}
