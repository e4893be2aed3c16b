package dev.solvegate.server.template;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Templates: which solver, with which settings, serves a {@code websitePublicKey}. Thread-safety: safe for
 * concurrent use; all state is in the database.
 */
public final class TemplateStore {

    /**
     * @param publicKey lower-case UUID
     * @param solver a solver id
     * @param settings the solver's settings as a JSON object text
     */
    public record Template(String publicKey, String solver, String settings) {}

    private final Jdbi jdbi;
    private final Clock clock;

    public TemplateStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Optional<Template> find(String publicKey) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT public_key, solver, settings FROM templates WHERE public_key = :k")
                        .bind("k", publicKey)
                        .map((rs, ctx) -> new Template(rs.getString(1), rs.getString(2), rs.getString(3)))
                        .findOne());
    }

    /** Every template, by public key. */
    public List<Template> list() {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT public_key, solver, settings FROM templates ORDER BY public_key")
                        .map((rs, ctx) -> new Template(rs.getString(1), rs.getString(2), rs.getString(3)))
                        .list());
    }

    /** Creates or replaces the template of {@code t.publicKey()}. */
    public void put(Template t) {
        jdbi.useTransaction(h -> {
            int n = h.createUpdate(
                            "UPDATE templates SET solver = :s, settings = :j, updated_at = :now WHERE public_key = :k")
                    .bind("k", t.publicKey())
                    .bind("s", t.solver())
                    .bind("j", t.settings())
                    .bind("now", clock.millis())
                    .execute();
            if (n == 0) {
                h.createUpdate(
                                "INSERT INTO templates (public_key, solver, settings, updated_at) VALUES (:k, :s, :j, :now)")
                        .bind("k", t.publicKey())
                        .bind("s", t.solver())
                        .bind("j", t.settings())
                        .bind("now", clock.millis())
                        .execute();
            }
        });
    }

    /** Removes a template; false when there was none. */
    public boolean delete(String publicKey) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM templates WHERE public_key = :k")
                        .bind("k", publicKey)
                        .execute())
                == 1;
    }
}
