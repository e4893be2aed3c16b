package dev.solvegate.server;

import dev.solvegate.proxy.AddressGuard;
import dev.solvegate.server.account.AccountStore;
import dev.solvegate.server.admin.AdminApi;
import dev.solvegate.server.api.PublicApi;
import dev.solvegate.server.api.Replies;
import dev.solvegate.server.engine.Solvers;
import dev.solvegate.server.store.Database;
import dev.solvegate.server.store.DatabaseFaults;
import dev.solvegate.server.task.TaskStore;
import dev.solvegate.server.template.TemplateStore;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * One solvegate node: the database pool, the public API and the admin API, wired together. {@link #start}
 * returns once both listeners accept connections.
 *
 * <p>Thread-safety: start and close from one thread; the running node serves requests concurrently.
 */
public final class Node implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Node.class.getName());

  private final Database db;
  private final WebServer publicServer;
  private final WebServer adminServer;
  private final String adminToken;

  private Node(Database db, WebServer publicServer, WebServer adminServer, String adminToken) {
    this.db = db;
    this.publicServer = publicServer;
    this.adminServer = adminServer;
    this.adminToken = adminToken;
  }

  /** Opens the database, migrates it, and starts both listeners. */
  public static Node start(Config config, Clock clock) {
    AdminToken.Resolved token = AdminToken.resolve(config);
    if (token.generated()) {
      System.out.println("solvegate: generated an admin token (kept in " + AdminToken.file(config.dataDir())
          + "; shown only now): " + token.token());
    }
    Database db = Database.open(config);
    try {
      var accounts = new AccountStore(db.jdbi(), clock);
      var templates = new TemplateStore(db.jdbi(), clock);
      var state = new ServiceState(db.jdbi());
      var tasks = new TaskStore(db.jdbi(), clock, config.taskTimeout(), config.resultTtl());
      var solvers = Solvers.discover();
      var replies = new Replies(config.errorStatusAlways200());
      var publicApi = new PublicApi(new PublicApi.Deps(
          state, accounts, templates, tasks, solvers, new AddressGuard(config.proxyAllowPrivate()), replies, clock,
          id -> {}));
      var adminApi = new AdminApi(accounts, templates, state, solvers, token.token(), config.priceMicros());

      WebServer publicServer = WebServer.builder()
          .port(config.port())
          .host("0.0.0.0")
          .maxPayloadSize(1 << 20)
          .shutdownHook(false)
          .routing(r -> {
            publicApi.routing(r);
            probes(r, db);
            r.any((req, res) -> replies.unknownMethod(res, req.prologue().uriPath().path()));
            r.error(Exception.class, (req, res, e) -> {
              LOG.log(System.Logger.Level.WARNING, "public request failed: " + req.prologue().uriPath().path(), e);
              replies.error(res, DatabaseFaults.classify(e));
            });
          })
          .build()
          .start();
      WebServer adminServer;
      try {
        adminServer = WebServer.builder()
            .port(config.adminPort())
            .host(config.adminBind())
            .shutdownHook(false)
            .routing(r -> {
              adminApi.routing(r);
              probes(r, db);
              r.any((req, res) -> json(res, 404, "{\"error\":\"no such route\"}"));
              r.error(Exception.class, (req, res, e) -> {
                LOG.log(System.Logger.Level.WARNING, "admin request failed: " + req.prologue().uriPath().path(), e);
                json(res, DatabaseFaults.unreachable(e) ? 503 : 500,
                    DatabaseFaults.unreachable(e) ? "{\"error\":\"database unavailable\"}" : "{\"error\":\"internal error\"}");
              });
            })
            .build()
            .start();
      } catch (RuntimeException e) {
        publicServer.stop();
        throw e;
      }
      return new Node(db, publicServer, adminServer, token.token());
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  private static void probes(HttpRouting.Builder r, Database db) {
    r.get("/healthz", (req, res) -> json(res, 200, "{\"status\":\"ok\"}"));
    r.get("/readyz", (req, res) -> readyz(db, req, res));
  }

  private static void readyz(Database db, ServerRequest req, ServerResponse res) {
    try {
      db.jdbi().useHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
      json(res, 200, "{\"status\":\"ready\"}");
    } catch (RuntimeException e) {
      json(res, 503, "{\"status\":\"database unavailable\"}");
    }
  }

  private static void json(ServerResponse res, int status, String body) {
    res.status(status);
    res.header("Content-Type", "application/json");
    res.send(body.getBytes(StandardCharsets.UTF_8));
  }

  public int port() {
    return publicServer.port();
  }

  public int adminPort() {
    return adminServer.port();
  }

  public String adminToken() {
    return adminToken;
  }

  public Database database() {
    return db;
  }

  @Override
  public void close() {
    publicServer.stop();
    adminServer.stop();
    db.close();
  }
}
