package dev.solvegate.server.template;

import dev.solvegate.server.store.Changes;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * Templates: which solver, with which settings, serves a {@code websitePublicKey}.
 *
 * <p>createTask finds its template in a copy kept here ({@link #cached}), so that it costs no query: every copy
 * is dropped when any template changes ({@link #changed}, told by every node's listener of the {@link Changes}
 * notice, and at once on the node that made the change), and none is used when older than {@link
 * Changes#MAX_AGE_NANOS}. Only templates that exist are kept (a key without one is createTask's error path, read
 * afresh), so the copies are at most the templates there are. A generation counter keeps a read that raced a
 * change from storing the old template.
 *
 * <p>Thread-safety: safe for concurrent use; the database holds the templates.
 */
public final class TemplateStore {

    /**
     * @param publicKey lower-case UUID
     * @param solver a solver id
     * @param settings the solver's settings as a JSON object text
     */
    public record Template(String publicKey, String solver, String settings) {}

    /** A template as read, and when (System.nanoTime). */
    private record Copy(Template template, long readAt, long generation) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final Map<String, Copy> copies = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    public TemplateStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * The template of {@code publicKey} from this node's copy, read when there is none or it is too old; empty
     * when there is no such template (not kept: the caller reads again with {@link #find} on its error path).
     */
    public Optional<Template> cached(String publicKey) {
        long gen = generation.get();
        Copy c = copies.get(publicKey);
        if (c != null && c.generation() == gen && System.nanoTime() - c.readAt() < Changes.MAX_AGE_NANOS) {
            return Optional.of(c.template());
        }
        long readAt = System.nanoTime();
        Optional<Template> t = find(publicKey);
        if (t.isEmpty()) {
            copies.remove(publicKey);
        } else if (generation.get() == gen) {
            copies.put(publicKey, new Copy(t.get(), readAt, gen));
        }
        return t;
    }

    /** A {@link Changes} notice: drops every copy when it concerns templates. */
    public void changed(String what) {
        if (Changes.concerns(what, Changes.TEMPLATES)) {
            generation.incrementAndGet();
            copies.clear();
        }
    }

    /** The template of {@code publicKey}, read now. */
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
        try {
            write(t);
        } finally {
            changed(Changes.TEMPLATES);
        }
    }

    private void write(Template t) {
        jdbi.useTransaction(h -> {
            Changes.announce(h, Changes.TEMPLATES);
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
        try {
            return jdbi.inTransaction(h -> {
                        Changes.announce(h, Changes.TEMPLATES);
                        return h.createUpdate("DELETE FROM templates WHERE public_key = :k")
                                .bind("k", publicKey)
                                .execute();
                    })
                    == 1;
        } finally {
            changed(Changes.TEMPLATES);
        }
    }
}
