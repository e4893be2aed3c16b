package dev.solvegate.server.account;

import dev.solvegate.server.ErrorCode;
import java.util.Optional;

/**
 * Who sent a request: the key, its account and its package (if any), as read in one query.
 *
 * @param keyId the key's id (what logs name it by)
 * @param accountId the account
 * @param suspended whether the account is suspended
 * @param packageId the key's package, or null for a balance key
 * @param packagePaused whether that package is paused
 * @param packageExpiresAt when that package expires, epoch ms (0 when no package)
 */
public record Caller(
        long keyId, long accountId, boolean suspended, Long packageId, boolean packagePaused, long packageExpiresAt) {

    /** Whether this is a package key (else a balance key). */
    public boolean packageKey() {
        return packageId != null;
    }

    /** The refusal for a createTask by this caller at {@code nowMillis}, in the order of SPEC §1 step 3. */
    public Optional<ErrorCode> refusalForNewTask(long nowMillis) {
        if (suspended) {
            return Optional.of(ErrorCode.ERROR_ACCOUNT_SUSPENDED);
        }
        if (packageKey() && packagePaused) {
            return Optional.of(ErrorCode.ERROR_PACKAGE_PAUSED);
        }
        if (packageKey() && nowMillis >= packageExpiresAt) {
            return Optional.of(ErrorCode.ERROR_PACKAGE_EXPIRED);
        }
        return Optional.empty();
    }
}
