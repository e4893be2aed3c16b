package dev.solvegate.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What every benchmark node is set up with, through its admin API: a balance-key account and a package-key
 * account, both with room for a million in-flight tasks and more money or quota than a run can use, and two
 * {@code test} templates, one that answers at once and one that holds its task for an hour.
 *
 * @param balanceKey a key billed per task
 * @param packageKey a key bound to a package
 * @param accountKeys a balance key of each of {@link #ACCOUNTS} more accounts, set up as the first
 */
record Fixture(String balanceKey, String packageKey, java.util.List<String> accountKeys) {

    /** How many accounts the many-accounts createTask load spreads over. */
    static final int ACCOUNTS = 64;

    /** Template whose tasks are ready at once ({@code delayMs} 0). */
    static final String FAST = "b0000000-0000-4000-8000-000000000001";
    /** Template whose tasks stay {@code processing} for an hour. */
    static final String HOLD = "b0000000-0000-4000-8000-000000000002";

    static final String PROXY = "http://user:pass@203.0.113.7:8080";

    static Fixture setUp(ServerNode n) throws IOException, InterruptedException {
        n.admin(
                "PUT",
                "/admin/templates/" + FAST,
                Map.of("solver", "test", "settings", Map.of("outcome", "token", "delayMs", 0)));
        n.admin(
                "PUT",
                "/admin/templates/" + HOLD,
                Map.of("solver", "test", "settings", Map.of("outcome", "token", "delayMs", 3_600_000)));
        long a = n.admin("POST", "/admin/accounts", Map.of("name", "bench-balance", "maxThreads", 1_000_000))
                .get("id")
                .asLong();
        n.admin("POST", "/admin/accounts/" + a + "/credits", Map.of("amount", "1000000", "reason", "bench"));
        String balanceKey = n.admin("POST", "/admin/accounts/" + a + "/keys", Map.of())
                .get("clientKey")
                .asText();
        long b = n.admin("POST", "/admin/accounts", Map.of("name", "bench-package", "maxThreads", 1_000_000))
                .get("id")
                .asLong();
        long p = n.admin(
                        "POST",
                        "/admin/accounts/" + b + "/packages",
                        Map.of(
                                "name",
                                "bench",
                                "threads",
                                1_000_000,
                                "hourlyQuota",
                                Integer.MAX_VALUE,
                                "dailyQuota",
                                Integer.MAX_VALUE,
                                "expiresAt",
                                Instant.now().plus(Duration.ofDays(2)).toString()))
                .get("id")
                .asLong();
        String packageKey = n.admin("POST", "/admin/accounts/" + b + "/keys", Map.of("packageId", p))
                .get("clientKey")
                .asText();
        java.util.List<String> accountKeys = new java.util.ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accountKeys.add(balanceKey(n, "bench-balance-" + i));
        }
        return new Fixture(balanceKey, packageKey, accountKeys);
    }

    private static String balanceKey(ServerNode n, String name) throws IOException, InterruptedException {
        long a = n.admin("POST", "/admin/accounts", Map.of("name", name, "maxThreads", 1_000_000))
                .get("id")
                .asLong();
        n.admin("POST", "/admin/accounts/" + a + "/credits", Map.of("amount", "1000000", "reason", "bench"));
        return n.admin("POST", "/admin/accounts/" + a + "/keys", Map.of())
                .get("clientKey")
                .asText();
    }

    /** A createTask body for {@code key} on template {@code publicKey}; {@code callbackUrl} may be null. */
    static ObjectNode createTask(String key, String publicKey, String callbackUrl) {
        ObjectNode body = ServerNode.JSON.createObjectNode().put("clientKey", key);
        body.putObject("task")
                .put("type", "FunCaptchaTask")
                .put("websiteURL", "https://example.org/login")
                .put("websitePublicKey", publicKey)
                .put("websiteSubdomain", "challenge.example.org")
                .put("proxy", PROXY);
        if (callbackUrl != null) {
            body.put("callbackUrl", callbackUrl);
        }
        return body;
    }

    static ObjectNode getTaskResult(String key, long taskId) {
        return ServerNode.JSON.createObjectNode().put("clientKey", key).put("taskId", taskId);
    }
}
