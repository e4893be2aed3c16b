package dev.solvegate.client;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * getBalance's answer: the available balance (the balance minus what in-flight tasks hold), and the package
 * when the key is bound to one. Thread-safety: immutable.
 */
public final class Balance {

    private final BigDecimal balance;
    private final PackageInfo packageInfo;

    Balance(BigDecimal balance, PackageInfo packageInfo) {
        this.balance = Objects.requireNonNull(balance);
        this.packageInfo = packageInfo;
    }

    /** The available balance, exactly as the server sent it. */
    public BigDecimal balance() {
        return balance;
    }

    /** The key's package, if the key is bound to one. */
    public Optional<PackageInfo> packageInfo() {
        return Optional.ofNullable(packageInfo);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Balance
                && ((Balance) o).balance.equals(balance)
                && Objects.equals(((Balance) o).packageInfo, packageInfo);
    }

    @Override
    public int hashCode() {
        return Objects.hash(balance, packageInfo);
    }

    @Override
    public String toString() {
        return "Balance{balance=" + balance.toPlainString() + (packageInfo == null ? "" : ", " + packageInfo) + "}";
    }
}
