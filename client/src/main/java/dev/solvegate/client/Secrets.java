package dev.solvegate.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secrets one call carries (the client key; for createTask the proxy string and its password), and their
 * removal from any text the client puts into an exception or a log line. solvegate's replies never hold them;
 * this protects against other servers of the family that echo input. A secret is removed where it stands as a
 * whole word, so a short password does not garble other words. Thread-safety: immutable.
 */
final class Secrets {

    private static final String HIDDEN = "***";

    private final List<Pattern> patterns;

    private Secrets(List<Pattern> patterns) {
        this.patterns = patterns;
    }

    static Secrets of(String clientKey) {
        return new Secrets(List.of()).plus(clientKey);
    }

    /** These secrets plus the proxy string of a task and its password (if it has one). */
    Secrets withProxy(String proxy) {
        if (proxy == null || proxy.isEmpty()) {
            return this;
        }
        return plus(proxy).plus(password(proxy));
    }

    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        for (Pattern p : patterns) {
            s = p.matcher(s).replaceAll(Matcher.quoteReplacement(HIDDEN));
        }
        return s;
    }

    private Secrets plus(String secret) {
        if (secret == null || secret.isEmpty()) {
            return this;
        }
        List<Pattern> all = new ArrayList<>(patterns);
        all.add(Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(secret) + "(?![A-Za-z0-9])"));
        // longer secrets first, so a proxy string goes as a whole before its password is looked for
        all.sort(Comparator.comparingInt((Pattern p) -> p.pattern().length()).reversed());
        return new Secrets(List.copyOf(all));
    }

    /**
     * The password of a proxy string in any of the accepted forms ({@code scheme://user:pass@host:port}, {@code
     * user:pass@host:port}, {@code scheme:host:port:user:pass}, {@code host:port:user:pass}); null if none.
     */
    static String password(String proxy) {
        String p = proxy.trim();
        int scheme = p.indexOf("://");
        if (scheme >= 0) {
            p = p.substring(scheme + 3);
        }
        int at = p.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = p.substring(0, at);
            int colon = userInfo.indexOf(':');
            return colon < 0 ? null : userInfo.substring(colon + 1);
        }
        String[] parts = p.split(":", -1);
        return parts.length >= 4 ? parts[parts.length - 1] : null;
    }
}
