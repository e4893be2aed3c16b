package dev.solvegate.proxy;

/** The result of reading a proxy from a client's request: an endpoint, or the one rule it broke. */
public sealed interface ProxyParse {

    /** @param endpoint the proxy */
    record Parsed(ProxyEndpoint endpoint) implements ProxyParse {}

    /**
     * @param problem which rule the input broke
     * @param detail a message naming the rule and the bad value, never the password
     */
    record Rejected(Problem problem, String detail) implements ProxyParse {}

    /** The rules, in the order the client's error codes name them. */
    enum Problem {
        /** {@code ERROR_INVALID_PROXY_PROTOCOL} */
        PROTOCOL,
        /** {@code ERROR_INVALID_PROXY_PORT} */
        PORT,
        /** {@code ERROR_INVALID_PROXY_AUTH} */
        AUTH,
        /** {@code ERROR_INVALID_PROXY_FORMAT} */
        FORMAT,
        /** a loopback, private or other non-public address: also {@code ERROR_INVALID_PROXY_FORMAT} */
        NON_PUBLIC
    }
}
