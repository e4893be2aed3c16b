package dev.solvegate.proxy;

import java.net.InetAddress;
import java.util.List;

/**
 * Refuses proxies on loopback, private, link-local, multicast and other non-public addresses.
 *
 * <p>Thread-safety: immutable.
 */
public final class AddressGuard {

  /** The outcome of a check. */
  public sealed interface Verdict {
    /** @param addresses every address the host resolved to, all public (or all allowed) */
    record Allowed(List<InetAddress> addresses) implements Verdict {}

    /** @param detail why, naming the host and the offending address */
    record Denied(String detail) implements Verdict {}
  }

  private final boolean allowPrivate;

  /** @param allowPrivate true to allow non-public addresses ({@code SOLVEGATE_PROXY_ALLOW_PRIVATE}) */
  public AddressGuard(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  public boolean allowPrivate() {
    return allowPrivate;
  }

  /** Resolves {@code host} and checks every address; an unresolvable host is denied. */
  public Verdict check(String host) {
    throw new UnsupportedOperationException("implemented by the proxy issue");
  }
}
