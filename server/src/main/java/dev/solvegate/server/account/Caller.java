package dev.solvegate.server.account;

import dev.solvegate.server.core.ErrorStatus;
import dev.solvegate.server.limit.Limits;

/**
 * Who sent a request: the key, its account and its package (if any), as read in one query. The rules over
 * it are in {@code limit.Limits#standing}. Thread-safety: immutable.
 *
 * @param keyId the key's id (what logs name it by)
 * @param accountId the account
 * @param suspended whether the account is suspended
 * @param packageId the key's package, or null for a balance key
 * @param packagePaused whether that package is paused
 * @param packageExpiresAt when that package expires, epoch ms (0 when no package)
 * @param errorStatus the account's own error-status mode, or null to follow the node's
 */
public record Caller(
        long keyId,
        long accountId,
        boolean suspended,
        Long packageId,
        boolean packagePaused,
        long packageExpiresAt,
        ErrorStatus errorStatus) {

    /** A caller whose account follows the node's error-status mode. */
    public Caller(
            long keyId,
            long accountId,
            boolean suspended,
            Long packageId,
            boolean packagePaused,
            long packageExpiresAt) {
        this(keyId, accountId, suspended, packageId, packagePaused, packageExpiresAt, null);
    }

    /** Whether this is a package key (else a balance key). */
    public boolean packageKey() {
        return packageId != null;
    }

    /** The state {@code Limits.standing} judges. */
    public Limits.Standing standing() {
        return new Limits.Standing(suspended, packageKey(), packagePaused, packageExpiresAt);
    }
}
