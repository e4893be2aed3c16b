package dev.solvegate.server.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.Json;
import java.nio.file.Path;

/**
 * The demo's console text: where everything is, and ready-to-paste {@code curl} commands for createTask,
 * getTaskResult and the site owner's token check. Placeholders the reader fills in are {@value #TASK_ID} and
 * {@value #TOKEN}. Every value inside the single-quoted bodies is hex, a UUID, a URL or base64url, never a quote.
 *
 * <p>Thread-safety: stateless.
 */
final class DemoText {

    static final String TASK_ID = "<taskId>";
    static final String TOKEN = "<token>";

    private DemoText() {}

    static String createTask(DemoFacts f) {
        ObjectNode task = Json.MAPPER
                .createObjectNode()
                .put("type", "FunCaptchaTask")
                .put("websiteURL", f.websiteURL())
                .put("websitePublicKey", f.websitePublicKey())
                .put("websiteSubdomain", f.websiteSubdomain())
                .put("proxy", f.proxy());
        ObjectNode body = Json.MAPPER.createObjectNode().put("clientKey", f.clientKey());
        body.set("task", task);
        return "curl -s " + f.apiBase() + "/createTask -d '" + body + "'";
    }

    static String getTaskResult(DemoFacts f) {
        return "curl -s " + f.apiBase() + "/getTaskResult -d '{\"clientKey\":\"" + f.clientKey() + "\",\"taskId\":"
                + TASK_ID + "}'";
    }

    static String verify(DemoFacts f) {
        return "curl -s " + f.verifyUrl() + " -d '{\"privateKey\":\"" + f.sitePrivateKey() + "\",\"token\":\"" + TOKEN
                + "\"}'";
    }

    /** Said before anything starts. */
    static String privateProxiesNotice() {
        return "solvegate demo: proxies on private and loopback addresses are allowed in this process"
                + " (SOLVEGATE_PROXY_ALLOW_PRIVATE=true), because the demo proxy listens on 127.0.0.1;"
                + " do not expose this node to others.\n";
    }

    static String ready(DemoFacts f, Path file) {
        StringBuilder s = new StringBuilder();
        s.append("solvegate demo: public API ")
                .append(f.apiBase())
                .append(", admin API ")
                .append(f.adminBase())
                .append('\n');
        s.append("solvegate demo: puzzle site ")
                .append(f.websiteURL())
                .append("?publicKey=")
                .append(f.websitePublicKey())
                .append(" (open it in a browser to play it yourself)\n");
        s.append("solvegate demo: proxy ")
                .append(f.proxy().replaceAll(":[0-9a-f]{32}@", ":****@"))
                .append(" (HTTP CONNECT, Basic auth; tunnels only to the puzzle site)\n");
        s.append("solvegate demo: these facts, with the admin token and the site's private key, are in ")
                .append(file)
                .append('\n');
        s.append('\n');
        s.append("# 1. Create a task: the puzzle solver solves the reference site through the demo proxy.\n");
        s.append(createTask(f)).append('\n');
        s.append("# 2. Fetch the result; put the taskId from step 1 in place of ")
                .append(TASK_ID)
                .append(" and repeat until \"status\":\"ready\".\n");
        s.append(getTaskResult(f)).append('\n');
        s.append(
                        "# 3. Verify the token as the site's owner does, with its private key; put the token from step 2 in place of ")
                .append(TOKEN)
                .append(". A token verifies once.\n");
        s.append(verify(f)).append('\n');
        s.append(
                "# Every outcome of the test solver has a template; use its public key as websitePublicKey in step 1:\n");
        f.testTemplates().forEach((outcome, key) -> s.append("#   ")
                .append(String.format("%-24s", outcome))
                .append(key)
                .append('\n'));
        s.append('\n');
        s.append("solvegate demo: ready (Ctrl-C stops it)\n");
        return s.toString();
    }
}
