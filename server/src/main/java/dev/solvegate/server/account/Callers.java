package dev.solvegate.server.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.solvegate.server.store.Changes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read paths' view of who holds a key: a key's hash to its {@link Caller} (account, key, package standing,
 * error-status mode), kept in memory for at most {@link #FRESH} after it was read. getTaskResult (and its
 * long-poll), getBalance's authentication, cancelTask and the reports ask here; createTask does not (its
 * admission reads the key fresh).
 *
 * <p>Design note: an entry is dropped on every change an operator makes to accounts, keys or packages
 * ({@link AccountStore#onChange}: this node's changes at once, other nodes' by {@code NOTIFY
 * solvegate_changed, 'callers'} through the node's listener, and everything when that listener lost its connection), and
 * in any case {@link #FRESH} after the read it came from started: a suspended account or a revoked key is
 * refused on every node within that second even if a notification was lost. A read that overlapped a change is
 * not kept (a generation counter taken before the read and checked after the put), so a change is never
 * overwritten by a read from before it. Only live keys are kept: an unknown key is read from the database
 * each time, so guessing keys cannot fill the map. At most {@link #MAX_KEYS} keys.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class Callers {

    /** How long a key's state is served from memory at most, counted from the start of the read. */
    public static final Duration FRESH = Duration.ofSeconds(1);

    /** The most keys kept. */
    static final int MAX_KEYS = 100_000;

    private record Held(Caller caller, long readAtNanos) {}

    private final AccountStore accounts;
    private final long freshNanos;
    private final AtomicLong generation = new AtomicLong();
    private final Cache<String, Held> byHash;

    public Callers(AccountStore accounts) {
        this(accounts, FRESH);
    }

    Callers(AccountStore accounts, Duration fresh) {
        this.accounts = accounts;
        this.freshNanos = fresh.toNanos();
        this.byHash = Caffeine.newBuilder()
                .maximumSize(MAX_KEYS)
                .expireAfterWrite(fresh)
                .executor(Runnable::run)
                .build();
        accounts.onChange(this::changed);
    }

    /** The live key with this secret, or empty when unknown or revoked (at most {@link #FRESH} old). */
    public Optional<Caller> bySecret(String secret) {
        return byHash(ApiKeys.hash(secret));
    }

    /** The live key whose secret hashes to {@code hash}, or empty when unknown or revoked (at most {@link #FRESH} old). */
    public Optional<Caller> byHash(String hash) {
        Held held = byHash.getIfPresent(hash);
        if (held != null && System.nanoTime() - held.readAtNanos() < freshNanos) {
            return Optional.of(held.caller());
        }
        long seen = generation.get();
        long readAt = System.nanoTime();
        Optional<Caller> read = accounts.callerByHash(hash);
        if (read.isEmpty()) {
            byHash.invalidate(hash);
            return read;
        }
        Held fresh = new Held(read.get(), readAt);
        byHash.put(hash, fresh);
        if (generation.get() != seen) {
            byHash.asMap().remove(hash, fresh); // a change came in while we read: the next request reads again
        }
        return read;
    }

    /** Accounts, keys or packages changed (here, on another node, or notifications may have been lost). */
    public void changed() {
        generation.incrementAndGet();
        byHash.invalidateAll();
    }

    /** A {@link Changes} notice {@code what} from any node: drops every caller when it concerns them. */
    public void changed(String what) {
        if (Changes.concerns(what, Changes.CALLERS)) {
            changed();
        }
    }

    /** Keys held now (tests). */
    long size() {
        byHash.cleanUp();
        return byHash.estimatedSize();
    }
}
