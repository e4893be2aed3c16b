package dev.solvegate.puzzle.site;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Random identifiers and secrets: 128 or 256 bits, base64url without padding. Thread-safe. */
final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");

    private Ids() {}

    /** A 128-bit id, 22 characters. */
    static String random() {
        return bytes(16);
    }

    /** A 256-bit secret, 43 characters. */
    static String secret() {
        return bytes(32);
    }

    static boolean looksLikeId(String s) {
        return ID.matcher(s).matches();
    }

    private static String bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
