package dev.solvegate.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.admin.AdminToken;
import dev.solvegate.server.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code solvegate admin …}: a command line over the admin API. Prints the API's JSON reply; exits 0 on
 * success, 1 when the API refused (its message on stderr), 2 on a usage error.
 */
@Command(
        name = "admin",
        description = "Operate a running node through its admin API.",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        footerHeading = "%nEnvironment variables (all optional):%n",
        footer = {"""
              SOLVEGATE_ADMIN_PORT   8081    the node's admin API, on 127.0.0.1 (--url for another address)
              SOLVEGATE_ADMIN_TOKEN  none    the admin token (--token); else the one in <data>/admin-token
              SOLVEGATE_DATA_DIR     ./data  the node's data folder, relative to the current folder
              SOLVEGATE_LOG_FORMAT   text    text or json, for log records on stderr\
            """, "%n--url and --token go before the command: ./solvegate admin --token TOKEN account show 1"},
        subcommands = {
            AdminCommand.Account.class,
            AdminCommand.Credit.class,
            AdminCommand.Pkg.class,
            AdminCommand.Key.class,
            AdminCommand.Template.class,
            AdminCommand.Intake.class
        })
public final class AdminCommand {

    @Option(
            names = "--url",
            description = "Admin API base URL (default: http://127.0.0.1:$SOLVEGATE_ADMIN_PORT, port 8081).")
    String url;

    @Option(names = "--token", description = "Bearer token (default: $SOLVEGATE_ADMIN_TOKEN, else <data>/admin-token).")
    String token;

    @Spec
    CommandSpec spec;

    /** Built on first use: creating an HttpClient sets up TLS, a visible part of a {@code --help}'s start-up. */
    private static final class Http {
        static final HttpClient CLIENT =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    int call(String method, String path, ObjectNode body) throws IOException, InterruptedException {
        String base = url != null ? url : "http://127.0.0.1:" + envOr("SOLVEGATE_ADMIN_PORT", "8081");
        Token t = token();
        if (t.value().isEmpty()) {
            spec.commandLine().getErr().println("solvegate admin: no admin token: " + t.source() + "." + TOKEN_HELP);
            return 1;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + t.value())
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> response;
        try {
            response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            spec.commandLine().getErr().println("solvegate admin: cannot reach " + base + ": " + e);
            return 1;
        }
        boolean ok = response.statusCode() / 100 == 2;
        String text = response.body();
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            text = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            // not JSON: print as it came
        }
        (ok ? spec.commandLine().getOut() : spec.commandLine().getErr())
                .println(ok ? text : "HTTP " + response.statusCode() + ": " + text);
        if (response.statusCode() == 401) {
            spec.commandLine()
                    .getErr()
                    .println("solvegate admin: " + base + " refused the admin token " + t.source() + "." + TOKEN_HELP);
        }
        return ok ? 0 : 1;
    }

    private static final String TOKEN_HELP =
            "\n  A node keeps its token in <its data folder>/admin-token (and prints it at its first start):"
                    + " run this in the folder the node runs in, or set SOLVEGATE_DATA_DIR to the node's data folder,"
                    + " or SOLVEGATE_ADMIN_TOKEN (or --token) to its token.";

    /** The token to send, and where it came from, in words for a refusal. */
    private record Token(String value, String source) {}

    private Token token() throws IOException {
        if (token != null) {
            return new Token(token, "given with --token");
        }
        String env = System.getenv("SOLVEGATE_ADMIN_TOKEN");
        if (env != null && !env.isBlank()) {
            return new Token(env.strip(), "from SOLVEGATE_ADMIN_TOKEN");
        }
        String dataDir = envOr("SOLVEGATE_DATA_DIR", null);
        Path file = AdminToken.file(Path.of(dataDir == null ? "data" : dataDir))
                .toAbsolutePath()
                .normalize();
        String folder = dataDir == null ? "SOLVEGATE_DATA_DIR is not set, so ./data" : "SOLVEGATE_DATA_DIR=" + dataDir;
        if (!Files.exists(file)) {
            return new Token("", "SOLVEGATE_ADMIN_TOKEN is not set and " + file + " does not exist (" + folder + ")");
        }
        return new Token(Files.readString(file).strip(), "read from " + file + " (" + folder + ")");
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    static ObjectNode json() {
        return Json.MAPPER.createObjectNode();
    }

    @Command(
            name = "account",
            description = "Create, show, change, suspend or activate accounts.",
            subcommands = {Account.Create.class, Account.Show.class, Account.Set.class})
    static final class Account {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "create", description = "Create an account.")
        static final class Create implements Callable<Integer> {
            @ParentCommand
            Account parent;

            @Option(names = "--name", required = true)
            String name;

            @Option(names = "--max-threads")
            Integer maxThreads;

            @Option(names = "--price", description = "Price of a ready task, e.g. 0.00075.")
            String price;

            @Override
            public Integer call() throws Exception {
                ObjectNode body = json().put("name", name);
                if (maxThreads != null) {
                    body.put("maxThreads", maxThreads);
                }
                if (price != null) {
                    body.put("price", price);
                }
                return parent.admin.call("POST", "/admin/accounts", body);
            }
        }

        @Command(name = "show", description = "Show an account.")
        static final class Show implements Callable<Integer> {
            @ParentCommand
            Account parent;

            @Parameters(paramLabel = "ID")
            long id;

            @Override
            public Integer call() throws Exception {
                return parent.admin.call("GET", "/admin/accounts/" + id, null);
            }
        }

        @Command(name = "set", description = "Change an account: --status active|suspended, --max-threads, --price.")
        static final class Set implements Callable<Integer> {
            @ParentCommand
            Account parent;

            @Parameters(paramLabel = "ID")
            long id;

            @Option(names = "--status")
            String status;

            @Option(names = "--max-threads")
            Integer maxThreads;

            @Option(names = "--price")
            String price;

            @Override
            public Integer call() throws Exception {
                ObjectNode body = json();
                if (status != null) {
                    body.put("status", status);
                }
                if (maxThreads != null) {
                    body.put("maxThreads", maxThreads);
                }
                if (price != null) {
                    body.put("price", price);
                }
                return parent.admin.call("PATCH", "/admin/accounts/" + id, body);
            }
        }
    }

    @Command(name = "credit", description = "Add money to an account (a negative amount is a debit).")
    static final class Credit implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(
                index = "0",
                paramLabel = "ACCOUNT",
                description = "The account's id, as `account create` printed it.")
        long account;

        @Parameters(index = "1", paramLabel = "AMOUNT", description = "Decimal, e.g. 10 or -0.5.")
        String amount;

        @Option(names = "--reason", defaultValue = "admin credit")
        String reason;

        @Override
        public Integer call() throws Exception {
            return admin.call(
                    "POST",
                    "/admin/accounts/" + account + "/credits",
                    json().put("amount", amount).put("reason", reason));
        }
    }

    @Command(
            name = "package",
            description = "Create, show, pause or resume packages.",
            subcommands = {Pkg.Create.class, Pkg.Show.class, Pkg.Pause.class, Pkg.Resume.class})
    static final class Pkg {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "create", description = "Create a package for an account.")
        static final class Create implements Callable<Integer> {
            @ParentCommand
            Pkg parent;

            @Parameters(paramLabel = "ACCOUNT", description = "The account's id, as `account create` printed it.")
            long account;

            @Option(names = "--name", required = true)
            String name;

            @Option(names = "--threads", required = true)
            int threads;

            @Option(names = "--hourly", required = true)
            int hourly;

            @Option(names = "--daily", required = true)
            int daily;

            @Option(names = "--expires", required = true, description = "ISO-8601 instant, e.g. 2027-01-01T00:00:00Z.")
            String expires;

            @Override
            public Integer call() throws Exception {
                return parent.admin.call(
                        "POST",
                        "/admin/accounts/" + account + "/packages",
                        json().put("name", name)
                                .put("threads", threads)
                                .put("hourlyQuota", hourly)
                                .put("dailyQuota", daily)
                                .put("expiresAt", expires));
            }
        }

        @Command(name = "show", description = "Show a package.")
        static final class Show implements Callable<Integer> {
            @ParentCommand
            Pkg parent;

            @Parameters(paramLabel = "ID")
            long id;

            @Override
            public Integer call() throws Exception {
                return parent.admin.call("GET", "/admin/packages/" + id, null);
            }
        }

        @Command(name = "pause", description = "Pause a package.")
        static final class Pause implements Callable<Integer> {
            @ParentCommand
            Pkg parent;

            @Parameters(paramLabel = "ID")
            long id;

            @Override
            public Integer call() throws Exception {
                return parent.admin.call("PATCH", "/admin/packages/" + id, json().put("paused", true));
            }
        }

        @Command(name = "resume", description = "Resume a paused package.")
        static final class Resume implements Callable<Integer> {
            @ParentCommand
            Pkg parent;

            @Parameters(paramLabel = "ID")
            long id;

            @Override
            public Integer call() throws Exception {
                return parent.admin.call("PATCH", "/admin/packages/" + id, json().put("paused", false));
            }
        }
    }

    @Command(
            name = "key",
            description = "Create or revoke client keys.",
            subcommands = {Key.Create.class, Key.Revoke.class})
    static final class Key {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "create", description = "Create a key; its secret is shown only now.")
        static final class Create implements Callable<Integer> {
            @ParentCommand
            Key parent;

            @Parameters(paramLabel = "ACCOUNT", description = "The account's id, as `account create` printed it.")
            long account;

            @Option(names = "--package", description = "Bind the key to this package (else a balance key).")
            Long packageId;

            @Override
            public Integer call() throws Exception {
                ObjectNode body = json();
                if (packageId != null) {
                    body.put("packageId", packageId);
                }
                return parent.admin.call("POST", "/admin/accounts/" + account + "/keys", body);
            }
        }

        @Command(name = "revoke", description = "Revoke a key.")
        static final class Revoke implements Callable<Integer> {
            @ParentCommand
            Key parent;

            @Parameters(paramLabel = "ID")
            long id;

            @Override
            public Integer call() throws Exception {
                return parent.admin.call("DELETE", "/admin/keys/" + id, null);
            }
        }
    }

    @Command(
            name = "template",
            description = "Set, show or delete templates.",
            subcommands = {Template.Set.class, Template.Show.class, Template.Delete.class})
    static final class Template {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "set", description = "Create or replace the template of a public key.")
        static final class Set implements Callable<Integer> {
            @ParentCommand
            Template parent;

            @Parameters(paramLabel = "PUBLIC_KEY")
            String publicKey;

            @Option(names = "--solver", required = true)
            String solver;

            @Option(names = "--settings", defaultValue = "{}", description = "Settings as a JSON object.")
            String settings;

            @Override
            public Integer call() throws Exception {
                JsonNode parsed;
                try {
                    parsed = Json.MAPPER.readTree(settings);
                } catch (IOException e) {
                    parsed = null;
                }
                if (parsed == null || !parsed.isObject()) {
                    parent.admin
                            .spec
                            .commandLine()
                            .getErr()
                            .println("solvegate admin: --settings must be a JSON object");
                    return 2;
                }
                ObjectNode body = json().put("solver", solver);
                body.set("settings", parsed);
                return parent.admin.call("PUT", "/admin/templates/" + publicKey, body);
            }
        }

        @Command(name = "show", description = "Show a template.")
        static final class Show implements Callable<Integer> {
            @ParentCommand
            Template parent;

            @Parameters(paramLabel = "PUBLIC_KEY")
            String publicKey;

            @Override
            public Integer call() throws Exception {
                return parent.admin.call("GET", "/admin/templates/" + publicKey, null);
            }
        }

        @Command(name = "delete", description = "Delete a template.")
        static final class Delete implements Callable<Integer> {
            @ParentCommand
            Template parent;

            @Parameters(paramLabel = "PUBLIC_KEY")
            String publicKey;

            @Override
            public Integer call() throws Exception {
                return parent.admin.call("DELETE", "/admin/templates/" + publicKey, null);
            }
        }
    }

    @Command(
            name = "intake",
            description = "Turn task intake on or off (createTask answers ERROR_SERVICE_UNAVALIABLE when off).")
    static final class Intake implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Parameters(paramLabel = "on|off")
        String mode;

        @Override
        public Integer call() throws Exception {
            if (!mode.equals("on") && !mode.equals("off")) {
                admin.spec.commandLine().getErr().println("solvegate admin: intake takes on or off: " + mode);
                return 2;
            }
            return admin.call("PUT", "/admin/service", json().put("acceptingTasks", mode.equals("on")));
        }
    }
}
