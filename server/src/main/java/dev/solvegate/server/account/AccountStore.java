package dev.solvegate.server.account;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.solvegate.server.core.ErrorStatus;
import dev.solvegate.server.core.Json;
import dev.solvegate.server.limit.Limits;
import dev.solvegate.server.store.Changes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Accounts, packages and keys. Money moves only through {@code billing.Ledger}; thread slots and quotas only
 * through {@code limit.Slots}.
 *
 * <p>Every change of what a {@link Caller} shows (an account's patch, a package's patch, a key's revocation)
 * is told to the {@link #onChange} listeners of this node once it committed, and on PostgreSQL to every node by
 * {@code store.Changes} ({@code NOTIFY solvegate_changed, 'callers'}), sent in the change's own transaction (so delivered after its
 * commit), which drops their cached callers ({@link Callers}).
 *
 * <p>Thread-safety: safe for concurrent use; all state is in the database.
 */
public final class AccountStore {

    /**
     * An account as the admin API shows it. Money in micro-units.
     *
     * @param errorStatus the account's own error-status mode, or null when it follows the node's
     */
    public record AccountView(
            long id,
            String name,
            String status,
            long balance,
            long held,
            int maxThreads,
            long price,
            int inFlight,
            ErrorStatus errorStatus,
            boolean refundIncorrect,
            boolean hasWebhookSecret) {}

    /**
     * An account's editable fields; null means unchanged.
     *
     * @param errorStatus when {@code setErrorStatus}, the new mode (null: follow the node's again)
     * @param refundIncorrect whether tasks reported incorrect are refunded, null: unchanged
     */
    public record AccountPatch(
            String status,
            Integer maxThreads,
            Long price,
            boolean setErrorStatus,
            ErrorStatus errorStatus,
            Boolean refundIncorrect) {}

    /** A package as the admin API and getBalance show it; quota use already reset for a new hour or day. */
    public record PackageView(
            long id,
            long accountId,
            String name,
            int threads,
            int hourlyQuota,
            int hourlyUsed,
            int dailyQuota,
            int dailyUsed,
            long expiresAt,
            boolean paused,
            int inFlight) {

        /** The plan and its use, as getBalance shows it; the admin API adds the ids and in-flight count. */
        public ObjectNode state() {
            return Json.MAPPER
                    .createObjectNode()
                    .put("name", name)
                    .put("threads", threads)
                    .put("hourlyQuota", hourlyQuota)
                    .put("hourlyUsed", hourlyUsed)
                    .put("dailyQuota", dailyQuota)
                    .put("dailyUsed", dailyUsed)
                    .put("expiresAt", Instant.ofEpochMilli(expiresAt).toString())
                    .put("paused", paused);
        }
    }

    /**
     * A key as operators see it: never its secret, only the first characters kept at creation.
     *
     * @param prefix the secret's first {@link #PREFIX_LENGTH} characters, or null for keys made before prefixes
     * @param packageId the key's package, or null for a balance key
     * @param createdAt epoch ms
     */
    public record KeyView(long id, String prefix, Long packageId, boolean revoked, long createdAt) {}

    /** How many characters of a new secret are kept to tell keys apart (24 of its 128 bits). */
    public static final int PREFIX_LENGTH = 6;

    /** A package's editable fields; null means unchanged. */
    public record PackagePatch(
            Boolean paused, Long expiresAt, Integer threads, Integer hourlyQuota, Integer dailyQuota) {}

    private static final String CALLER_SQL = """
      SELECT k.id AS key_id, k.account_id, a.status, a.error_status, k.package_id, p.paused, p.expires_at
      FROM api_keys k
      JOIN accounts a ON a.id = k.account_id
      LEFT JOIN packages p ON p.id = k.package_id
      WHERE k.key_hash = :hash AND NOT k.revoked
      """;

    private final Jdbi jdbi;
    private final Clock clock;
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    public AccountStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Tells {@code listener} of every change this node commits to accounts, keys or packages. */
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    /**
     * Runs {@code change} (one statement's row count) in a transaction that also notifies every node on
     * PostgreSQL when it changed a row, then tells this node's listeners; true when a row changed.
     */
    private boolean changing(org.jdbi.v3.core.HandleCallback<Integer, RuntimeException> change) {
        boolean changed = jdbi.inTransaction(h -> {
            int n = change.withHandle(h);
            if (n > 0) {
                Changes.announce(h, Changes.CALLERS);
            }
            return n > 0;
        });
        if (changed) {
            changeListeners.forEach(Runnable::run);
        }
        return changed;
    }

    /** The live key with this secret, or empty when unknown or revoked. */
    public Optional<Caller> caller(String secret) {
        return callerByHash(ApiKeys.hash(secret));
    }

    /** The live key whose secret hashes to {@code hash} ({@link ApiKeys#hash}), or empty when unknown or revoked. */
    public Optional<Caller> callerByHash(String hash) {
        return jdbi.withHandle(h -> h.createQuery(CALLER_SQL)
                .bind("hash", hash)
                .map((rs, ctx) -> {
                    long pkg = rs.getLong("package_id");
                    boolean hasPackage = !rs.wasNull();
                    return new Caller(
                            rs.getLong("key_id"),
                            rs.getLong("account_id"),
                            "suspended".equals(rs.getString("status")),
                            hasPackage ? pkg : null,
                            hasPackage && rs.getBoolean("paused"),
                            hasPackage ? rs.getLong("expires_at") : 0L,
                            errorStatus(rs.getString("error_status")));
                })
                .findOne());
    }

    public long createAccount(String name, int maxThreads, long price) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "INSERT INTO accounts (name, status, max_threads, price, created_at) VALUES (:name, 'active', :threads, :price, :now)")
                .bind("name", name)
                .bind("threads", maxThreads)
                .bind("price", price)
                .bind("now", clock.millis())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
    }

    public Optional<AccountView> account(long id) {
        return jdbi.withHandle(h -> account(h, id));
    }

    static Optional<AccountView> account(Handle h, long id) {
        return h.createQuery("SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> accountView(rs))
                .findOne();
    }

    private static final String ACCOUNT_COLUMNS =
            "id, name, status, balance, held, max_threads, price, in_flight, error_status, refund_incorrect,"
                    + " webhook_secret IS NOT NULL AS has_secret";

    private static AccountView accountView(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new AccountView(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getString("status"),
                rs.getLong("balance"),
                rs.getLong("held"),
                rs.getInt("max_threads"),
                rs.getLong("price"),
                rs.getInt("in_flight"),
                errorStatus(rs.getString("error_status")),
                rs.getBoolean("refund_incorrect"),
                rs.getBoolean("has_secret"));
    }

    /** The account's webhook secret, or null when it has none; read in {@code h}. Never log it. */
    public static String webhookSecret(Handle h, long accountId) {
        return h.createQuery("SELECT webhook_secret FROM accounts WHERE id = :id")
                .bind("id", accountId)
                .mapTo(String.class)
                .findOne()
                .orElse(null);
    }

    /** Sets a new webhook secret (replacing any old one); false when there is no such account. */
    public boolean setWebhookSecret(long accountId, String secret) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE accounts SET webhook_secret = :secret WHERE id = :id")
                        .bind("secret", secret)
                        .bind("id", accountId)
                        .execute()
                == 1);
    }

    /** Whether the account refunds tasks reported incorrect ({@code refundIncorrect}), read in {@code h}. */
    public static boolean refundsIncorrect(Handle h, long accountId) {
        return h.createQuery("SELECT refund_incorrect FROM accounts WHERE id = :id")
                .bind("id", accountId)
                .mapTo(Boolean.class)
                .findOne()
                .orElse(false);
    }

    /** A stored {@code error_status} ({@code seed}, {@code 200} or NULL) as a mode, null for NULL. */
    public static ErrorStatus errorStatus(String stored) {
        return stored == null ? null : ErrorStatus.parse(stored).orElseThrow();
    }

    /**
     * Up to {@code limit} accounts, newest first: those whose name contains {@code query} (any case), or whose id
     * it is; every account when {@code query} is blank.
     */
    public List<AccountView> search(String query, int limit) {
        String q = query == null ? "" : query.strip();
        String like = "%"
                + q.toLowerCase(Locale.ROOT)
                        .replace("\\", "\\\\")
                        .replace("%", "\\%")
                        .replace("_", "\\_")
                + "%";
        long id = q.matches("\\d{1,18}") ? Long.parseLong(q) : -1;
        return jdbi.withHandle(h -> h.createQuery("SELECT " + ACCOUNT_COLUMNS + " FROM accounts"
                        + " WHERE :blank OR id = :id OR LOWER(name) LIKE :like ESCAPE '\\'"
                        + " ORDER BY id DESC LIMIT :limit")
                .bind("blank", q.isEmpty())
                .bind("id", id)
                .bind("like", like)
                .bind("limit", limit)
                .map((rs, ctx) -> accountView(rs))
                .list());
    }

    /** Changes the given fields (null: unchanged); false when there is no such account. */
    public boolean updateAccount(long id, String status, Integer maxThreads, Long price) {
        return updateAccount(id, new AccountPatch(status, maxThreads, price, false, null, null));
    }

    /** Changes the fields of {@code p} in one statement; false when there is no such account. */
    public boolean updateAccount(long id, AccountPatch p) {
        return changing(h -> h.createUpdate("""
                UPDATE accounts SET status = COALESCE(:status, status),
                  max_threads = COALESCE(:threads, max_threads), price = COALESCE(:price, price),
                  error_status = CASE WHEN :setErrorStatus THEN :errorStatus ELSE error_status END,
                  refund_incorrect = COALESCE(:refundIncorrect, refund_incorrect)
                WHERE id = :id
                """)
                .bind("id", id)
                .bind("status", p.status())
                .bind("threads", p.maxThreads())
                .bind("price", p.price())
                .bind("setErrorStatus", p.setErrorStatus())
                .bind(
                        "errorStatus",
                        p.errorStatus() == null ? null : p.errorStatus().wire())
                .bind("refundIncorrect", p.refundIncorrect())
                .execute());
    }

    /** A new package of an existing account (checked by the caller). */
    public long createPackage(
            long accountId, String name, int threads, int hourlyQuota, int dailyQuota, long expiresAt) {
        return jdbi.withHandle(h -> h.createUpdate("""
            INSERT INTO packages (account_id, name, threads, hourly_quota, daily_quota, expires_at)
            VALUES (:account, :name, :threads, :hourly, :daily, :expires)
            """)
                .bind("account", accountId)
                .bind("name", name)
                .bind("threads", threads)
                .bind("hourly", hourlyQuota)
                .bind("daily", dailyQuota)
                .bind("expires", expiresAt)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
    }

    public Optional<PackageView> packageById(long id) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM packages WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> packageView(rs, now))
                .findOne());
    }

    /** An account's packages, oldest first. */
    public List<PackageView> packages(long accountId) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM packages WHERE account_id = :account ORDER BY id")
                .bind("account", accountId)
                .map((rs, ctx) -> packageView(rs, now))
                .list());
    }

    private static PackageView packageView(java.sql.ResultSet rs, long now) throws java.sql.SQLException {
        var use = new Limits.PackageRow(
                rs.getInt("threads"),
                rs.getInt("hourly_quota"),
                rs.getInt("daily_quota"),
                rs.getInt("in_flight"),
                rs.getLong("hour_index"),
                rs.getInt("hour_used"),
                rs.getLong("day_index"),
                rs.getInt("day_used"));
        return new PackageView(
                rs.getLong("id"),
                rs.getLong("account_id"),
                rs.getString("name"),
                rs.getInt("threads"),
                rs.getInt("hourly_quota"),
                use.usedThisHour(now),
                rs.getInt("daily_quota"),
                use.usedToday(now),
                rs.getLong("expires_at"),
                rs.getBoolean("paused"),
                rs.getInt("in_flight"));
    }

    /** Changes the given fields; false when there is no such package. */
    public boolean updatePackage(long id, PackagePatch p) {
        return changing(h -> h.createUpdate("""
                UPDATE packages SET paused = COALESCE(:paused, paused), expires_at = COALESCE(:expires, expires_at),
                  threads = COALESCE(:threads, threads), hourly_quota = COALESCE(:hourly, hourly_quota),
                  daily_quota = COALESCE(:daily, daily_quota)
                WHERE id = :id
                """)
                .bind("id", id)
                .bind("paused", p.paused())
                .bind("expires", p.expiresAt())
                .bind("threads", p.threads())
                .bind("hourly", p.hourlyQuota())
                .bind("daily", p.dailyQuota())
                .execute());
    }

    /**
     * A new key for the account: returns its id; the secret is the caller's to show once. Only its hash and its
     * first {@link #PREFIX_LENGTH} characters are kept.
     */
    public long createKey(long accountId, Long packageId, String secret) {
        return jdbi.withHandle(h -> h.createUpdate("""
                INSERT INTO api_keys (account_id, package_id, key_hash, key_prefix, created_at)
                VALUES (:account, :pkg, :hash, :prefix, :now)
                """)
                .bind("account", accountId)
                .bind("pkg", packageId)
                .bind("hash", ApiKeys.hash(secret))
                .bind("prefix", secret.substring(0, Math.min(PREFIX_LENGTH, secret.length())))
                .bind("now", clock.millis())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
    }

    /** An account's keys, newest first. */
    public List<KeyView> keys(long accountId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, key_prefix, package_id, revoked, created_at FROM api_keys WHERE account_id = :account ORDER BY id DESC")
                .bind("account", accountId)
                .map((rs, ctx) -> {
                    long pkg = rs.getLong("package_id");
                    Long packageId = rs.wasNull() ? null : pkg;
                    return new KeyView(
                            rs.getLong("id"),
                            rs.getString("key_prefix"),
                            packageId,
                            rs.getBoolean("revoked"),
                            rs.getLong("created_at"));
                })
                .list());
    }

    /** Revokes a key; false when there is no such key. */
    public boolean revokeKey(long id) {
        return changing(h -> h.createUpdate("UPDATE api_keys SET revoked = TRUE WHERE id = :id")
                .bind("id", id)
                .execute());
    }
}
