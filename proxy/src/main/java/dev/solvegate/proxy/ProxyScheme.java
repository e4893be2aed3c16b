package dev.solvegate.proxy;

/** The proxy protocols solvegate can tunnel through. */
public enum ProxyScheme {
    HTTP,
    SOCKS4,
    SOCKS5
}
