package dev.solvegate.proxy;

/** Reads the proxy forms SPEC §1 accepts. Thread-safety: stateless. */
public final class ProxyParser {

  private ProxyParser() {}

  /** Parses {@code scheme://user:pass@host:port}, {@code scheme:host:port:user:pass}, {@code host:port:user:pass}, {@code user:pass@host:port}. */
  public static ProxyParse parse(String text) {
    throw new UnsupportedOperationException("implemented by the proxy issue");
  }

  /** Builds a proxy from the structured fields {@code proxyType, proxyAddress, proxyPort, proxyLogin, proxyPassword}; any may be null. */
  public static ProxyParse fromFields(String type, String address, String port, String login, String password) {
    throw new UnsupportedOperationException("implemented by the proxy issue");
  }
}
