package dev.solvegate.proxy;

import dev.solvegate.proxy.ProxyParse.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the proxy forms createTask accepts (docs/PROXIES.md). Thread-safety: stateless.
 *
 * <p>Design note. The input is first split into raw fields (scheme, host, port, user, password), any of which
 * may be missing; then the rules are checked in one fixed order and the first broken one is the answer:
 * protocol, port, auth, format (host and overall shape). So {@code ftp://u:p@h:0} is a protocol error and
 * {@code http://h:0} a port error. A rule is only checked when its field could be located: a string whose
 * shape cannot be recognised at all is a format error. Details echo the bad value but never the password.
 *
 * <p>The {@code @} forms ({@code scheme://user:pass@host:port} and {@code user:pass@host:port}) split at the
 * last {@code @} and then at the first {@code :} of the user-info, so passwords may hold {@code :} and
 * {@code @}; {@code %XX} escapes in the user and password are decoded (UTF-8), which is how {@link
 * ProxyEndpoint#toUri()} round-trips any value. The colon forms are literal: fields cannot hold {@code :}
 * (an IPv6 host must be bracketed there too).
 */
public final class ProxyParser {

    private static final String FORMS =
            "expected scheme://user:pass@host:port, scheme:host:port:user:pass, host:port:user:pass"
                    + " or user:pass@host:port";

    private ProxyParser() {}

    /**
     * Parses {@code scheme://user:pass@host:port}, {@code scheme:host:port:user:pass}, {@code
     * host:port:user:pass}, {@code user:pass@host:port}.
     *
     * @param text the client's proxy string; null or blank is a format error
     */
    public static ProxyParse parse(String text) {
        if (text == null || text.isBlank()) {
            return new ProxyParse.Rejected(Problem.FORMAT, "proxy is empty; " + FORMS);
        }
        String s = text.strip();
        int sep = s.indexOf("://");
        if (sep >= 0) {
            return atForm(s.substring(0, sep), s.substring(sep + 3));
        }
        if (s.indexOf('@') >= 0) {
            return atForm("http", s);
        }
        return colonForm(s);
    }

    /**
     * Builds a proxy from the structured fields {@code proxyType, proxyAddress, proxyPort, proxyLogin,
     * proxyPassword}; any may be null.
     *
     * <p>A missing or blank type means {@code http} when an address is given (as the two scheme-less string
     * forms do); with no address at all the answer is a format error. The address may be a bracketed IPv6
     * literal. Values are taken literally (no {@code %} decoding). Rules are checked in the same order as
     * {@link #parse(String)}.
     */
    public static ProxyParse fromFields(String type, String address, String port, String login, String password) {
        boolean hasAddress = address != null && !address.isBlank();
        if ((type == null || type.isBlank()) && !hasAddress) {
            return new ProxyParse.Rejected(Problem.FORMAT, "proxyAddress is missing");
        }
        String scheme = type == null || type.isBlank() ? "http" : type.strip();
        String host = hasAddress ? address.strip() : "";
        if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return validate(new Raw(scheme, host, port == null ? "" : port.strip(), login, password, true, false));
    }

    private static ProxyParse atForm(String scheme, String rest) {
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int at = rest.lastIndexOf('@');
        String userInfo = at >= 0 ? rest.substring(0, at) : null;
        String hostPort = at >= 0 ? rest.substring(at + 1) : rest;
        String user = null;
        String password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = Percent.decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            password = colon >= 0 ? Percent.decode(userInfo.substring(colon + 1)) : null;
        }
        HostPort hp = HostPort.split(hostPort);
        return validate(new Raw(scheme, hp.host(), hp.port(), user, password, hp.ok(), false));
    }

    private static ProxyParse colonForm(String s) {
        List<String> fields = splitOutsideBrackets(s);
        if (fields == null || (fields.size() != 4 && fields.size() != 5)) {
            return new ProxyParse.Rejected(Problem.FORMAT, FORMS);
        }
        int o = fields.size() - 4;
        String scheme = o == 1 ? fields.get(0) : "http";
        String host = fields.get(o);
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            host = host.substring(1, host.length() - 1);
        }
        return validate(new Raw(scheme, host, fields.get(o + 1), fields.get(o + 2), fields.get(o + 3), true, true));
    }

    /** Splits at ':' outside [...]; null when brackets do not balance. */
    private static List<String> splitOutsideBrackets(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ':' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
            if (depth < 0 || depth > 1) {
                return null;
            }
        }
        out.add(s.substring(start));
        return depth == 0 ? out : null;
    }

    /** The fields as located in the input; null means absent. */
    private record Raw(
            String scheme, String host, String port, String user, String password, boolean shapeOk, boolean colons) {}

    private static ProxyParse validate(Raw raw) {
        String secret = raw.password() == null ? "" : raw.password();
        ProxyScheme scheme = scheme(raw.scheme());
        if (scheme == null) {
            return reject(Problem.PROTOCOL, "proxy scheme must be http, socks4 or socks5", raw.scheme(), secret);
        }
        if (raw.port() != null) {
            String p = raw.port();
            if (!p.matches("-?[0-9]{1,10}")) {
                if (raw.colons() && !p.isEmpty()) {
                    // fields out of order (user:pass:host:port) would put the password here: do not echo it
                    return new ProxyParse.Rejected(
                            Problem.PORT,
                            "port is not an integer in 1..65535: the second field of host:port:user:pass");
                }
                return reject(
                        Problem.PORT, "port is not an integer in 1..65535", p.isEmpty() ? "(missing)" : p, secret);
            }
            long n = Long.parseLong(p);
            if (n < 1 || n > 65535) {
                return reject(Problem.PORT, "port out of range 1..65535", p, secret);
            }
        }
        if (raw.user() == null || raw.user().isEmpty()) {
            return new ProxyParse.Rejected(Problem.AUTH, "proxy user is missing or empty");
        }
        if (raw.password() == null || raw.password().isEmpty()) {
            return new ProxyParse.Rejected(Problem.AUTH, "proxy password is missing or empty");
        }
        if (!raw.shapeOk() || raw.port() == null) {
            return new ProxyParse.Rejected(Problem.FORMAT, FORMS);
        }
        if (Hosts.ambiguousIpv4(raw.host())) {
            return reject(Problem.FORMAT, AddressGuard.AMBIGUOUS.replaceFirst(": $", ""), raw.host(), secret);
        }
        String host = Hosts.canonical(raw.host());
        if (host == null) {
            return reject(Problem.FORMAT, "proxy host is not a host name or IP address", raw.host(), secret);
        }
        int port = Integer.parseInt(raw.port());
        return new ProxyParse.Parsed(new ProxyEndpoint(scheme, host, port, raw.user(), raw.password()));
    }

    private static ProxyScheme scheme(String s) {
        return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
            case "http" -> ProxyScheme.HTTP;
            case "socks4" -> ProxyScheme.SOCKS4;
            case "socks5" -> ProxyScheme.SOCKS5;
            default -> null;
        };
    }

    /** A rejection naming the rule and the bad value, with the value masked if it holds the password. */
    private static ProxyParse reject(Problem problem, String rule, String value, String secret) {
        String shown = value == null ? "(missing)" : value;
        if (!secret.isEmpty() && shown.contains(secret)) {
            shown = "(not shown: contains the password)";
        } else if (shown.length() > 80) {
            shown = shown.substring(0, 80) + "…";
        }
        return new ProxyParse.Rejected(problem, rule + ": " + shown);
    }
}
