package dev.solvegate.server.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What both consoles share at the HTTP edge: the security headers of every console reply, the compiled pages
 * (JTE, generated from {@code src/main/jte} at build time), form bodies, the same-origin check of every sign-in
 * and sign-out, and the static files (ours and uPlot's, from its webjar).
 *
 * <p>Thread-safety: stateless apart from the template engine, which is safe for concurrent use.
 */
final class ConsoleHttp {

    /**
     * No inline script or style, nothing from another origin, no framing, forms only to this origin: the pages'
     * scripts are the static files under {@code /console/static/}.
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static final TemplateEngine PAGES = TemplateEngine.createPrecompiled(ContentType.Html);
    private static final int MAX_FORM = 16 * 1024;

    private ConsoleHttp() {}

    /** The headers of every console reply, pages and files alike. */
    static void secure(ServerResponse res) {
        res.header("Content-Security-Policy", CSP);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("X-Frame-Options", "DENY");
        res.header("Referrer-Policy", "same-origin");
        res.header("Cross-Origin-Opener-Policy", "same-origin");
        res.header("Cross-Origin-Resource-Policy", "same-origin");
    }

    /** Sends page {@code name} (a template under src/main/jte) rendered with {@code model}, never cached. */
    static void page(ServerResponse res, int status, String name, Object model) {
        StringOutput out = new StringOutput();
        PAGES.render(name, model, out);
        secure(res);
        res.status(status);
        res.header("Content-Type", "text/html; charset=utf-8");
        res.header("Cache-Control", "no-store");
        res.send(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A 303 to {@code path} on this listener, optionally setting a cookie. */
    static void redirect(ServerResponse res, String path, String setCookie) {
        secure(res);
        if (setCookie != null) {
            res.header("Set-Cookie", setCookie);
        }
        res.header("Cache-Control", "no-store");
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, path);
        res.send();
    }

    /** An {@code application/x-www-form-urlencoded} body's fields (the first of each name); empty when none. */
    static Map<String, String> form(ServerRequest req) {
        Map<String, String> fields = new HashMap<>();
        if (!req.content().hasEntity()) {
            return fields;
        }
        byte[] bytes = req.content().as(byte[].class);
        if (bytes.length > MAX_FORM) {
            return fields;
        }
        for (String pair : new String(bytes, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                fields.putIfAbsent(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape: the field is left out, and the form is judged without it
            }
        }
        return fields;
    }

    /**
     * Whether a form post came from a page of this listener: an {@code Origin} header, when the browser sends
     * one, must name this host and port. Browsers send it with every cross-site POST.
     */
    static boolean sameOrigin(ServerRequest req) {
        var origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            return true;
        }
        var self = req.requestedUri();
        try {
            URI uri = URI.create(origin.get());
            int port = uri.getPort() < 0 ? ("https".equals(uri.getScheme()) ? 443 : 80) : uri.getPort();
            return uri.getHost() != null && uri.getHost().equalsIgnoreCase(self.host()) && port == self.port();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** This listener's address as the browser used it, for the examples a page shows. */
    static String base(ServerRequest req) {
        var self = req.requestedUri();
        String host = self.host().contains(":") ? "[" + self.host() + "]" : self.host();
        return "http://" + (host.matches("[A-Za-z0-9.:\\[\\]-]{1,255}") ? host : "127.0.0.1") + ":" + self.port();
    }

    /**
     * The console's routes every page needs: its headers in front of {@code /console/…}, {@code /console} to
     * {@code /console/}, our static files and uPlot's.
     */
    static void assets(HttpRouting.Builder r) {
        r.any("/console/*", (req, res) -> {
            secure(res);
            res.next();
        });
        r.get("/console", (req, res) -> redirect(res, "/console/", null));
        r.register(
                "/console/static",
                StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                        .location("dev/solvegate/server/console/static")
                        .build()));
        r.register(
                "/console/vendor/uplot",
                StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                        .location("META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist")
                        .build()));
    }

    /** The version of the uPlot webjar on the class path (its Maven properties), so the pom names it once. */
    static String uplotVersion() {
        try (InputStream in = ConsoleHttp.class
                .getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the uPlot webjar is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
