package dev.solvegate.proxy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/** Host name and IP literal syntax, without DNS. Thread-safety: stateless. */
final class Hosts {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern DOTTED = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");

    private Hosts() {}

    /**
     * Whether {@code host} is an IPv4 address in a form that resolvers read differently: a dotted quad with a
     * leading zero ({@code 0177.0.0.1}: Java reads 177.0.0.1, curl and glibc's {@code inet_aton} octal
     * 127.0.0.1), hex or octal parts, fewer than four parts ({@code 127.1}), one number ({@code 2130706433}),
     * or any name whose last label is a number (which a URL parser reads as IPv4); also an IPv6 literal whose
     * embedded IPv4 part has such a form ({@code ::ffff:0177.0.0.1}). Only the canonical dotted quad
     * ({@code 127.0.0.1}) is unambiguous. Brackets and one trailing dot are ignored.
     */
    static boolean ambiguousIpv4(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.indexOf(':') >= 0) {
            int lastColon = h.lastIndexOf(':');
            String tail = h.substring(lastColon + 1);
            return tail.indexOf('.') >= 0 && !IPV4.matcher(tail).matches();
        }
        String name = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        String last = name.substring(name.lastIndexOf('.') + 1);
        return NUMERIC_LABEL.matcher(last).matches() && !IPV4.matcher(name).matches();
    }

    /**
     * The canonical spelling of a host: a lower-case DNS name, a dotted IPv4 literal, or an IPv6 literal
     * (unbracketed, lower case, as written); null when {@code host} is none of these.
     */
    static String canonical(String host) {
        if (host == null || host.isEmpty() || host.length() > 253) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.indexOf(':') >= 0) {
            return ipv6(h) != null ? h : null;
        }
        if (DOTTED.matcher(h).matches()) {
            return IPV4.matcher(h).matches() ? h : null;
        }
        String name = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return null;
            }
        }
        return h;
    }

    /** The address when {@code host} is an IP literal (IPv6 with or without brackets), else null; no DNS. */
    static InetAddress literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.indexOf(':') >= 0) {
            return ipv6(h);
        }
        if (IPV4.matcher(h).matches()) {
            try {
                return Inet4Address.ofLiteral(h);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static InetAddress ipv6(String h) {
        if (h.indexOf('%') >= 0) {
            return null; // zone ids name a local interface: never a proxy's address
        }
        try {
            return Inet6Address.ofLiteral(h);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
