package dev.solvegate.proxy;

import java.net.InetAddress;

/**
 * Classifies addresses that must never be a proxy: why an address is not public, or null when it is.
 *
 * <p>IPv4: 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.168/16, 198.18/15, 224/4,
 * 240/4, 255.255.255.255. IPv6: anything outside global unicast 2000::/3 (so ::, ::1, fc00::/7, fe80::/10,
 * fec0::/10, ff00::/8, 100::/64 ...), except the forms that embed an IPv4 address, which are judged by it:
 * IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16 and Teredo 2001::/32.
 * The NAT64 local-use prefix 64:ff9b:1::/48 and benchmarking 2001:2::/48 are denied.
 *
 * <p>Thread-safety: stateless.
 */
final class NonPublic {

    private NonPublic() {}

    static String reason(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? v4(b, 0) : v6(b);
    }

    private static String v4(byte[] b, int off) {
        int a0 = b[off] & 0xff;
        int a1 = b[off + 1] & 0xff;
        int a2 = b[off + 2] & 0xff;
        int a3 = b[off + 3] & 0xff;
        if ((a0 | a1 | a2 | a3) == 0) {
            return "unspecified";
        }
        if (a0 == 255 && a1 == 255 && a2 == 255 && a3 == 255) {
            return "broadcast";
        }
        if (a0 == 0) {
            return "this network 0.0.0.0/8";
        }
        if (a0 == 127) {
            return "loopback";
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return "private";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "shared address space (CGNAT) 100.64.0.0/10";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local";
        }
        if (a0 == 192 && a1 == 0 && a2 == 0) {
            return "IETF protocol assignments 192.0.0.0/24";
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return "benchmarking 198.18.0.0/15";
        }
        if ((a0 & 0xf0) == 224) {
            return "multicast";
        }
        if ((a0 & 0xf0) == 240) {
            return "reserved 240.0.0.0/4";
        }
        return null;
    }

    private static String v6(byte[] b) {
        if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return embedded("IPv4-mapped", b, 12);
        }
        if (allZero(b, 0, 12)) {
            if (allZero(b, 12, 15) && (b[15] == 0 || b[15] == 1)) {
                return b[15] == 0 ? "unspecified" : "loopback";
            }
            String inner = v4(b, 12);
            return inner != null ? "IPv4-compatible, " + inner : "IPv4-compatible (deprecated)";
        }
        int w0 = word(b, 0);
        int w1 = word(b, 2);
        if (w0 == 0x64 && w1 == 0xff9b) {
            if (allZero(b, 4, 12)) {
                return embedded("NAT64", b, 12);
            }
            return word(b, 4) == 1 ? "NAT64 local-use 64:ff9b:1::/48" : "reserved";
        }
        if (w0 == 0x2002) {
            return embedded("6to4", b, 2);
        }
        if (w0 == 0x2001 && w1 == 0) {
            byte[] client = new byte[4];
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~b[12 + i];
            }
            String server = v4(b, 4);
            return server != null ? "Teredo server, " + server : embedded("Teredo client", client, 0);
        }
        if (w0 == 0x2001 && w1 == 2 && word(b, 4) == 0) {
            return "benchmarking 2001:2::/48";
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return "unique local fc00::/7";
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
            return "link-local";
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return "site-local fec0::/10";
        }
        if ((b[0] & 0xff) == 0xff) {
            return "multicast";
        }
        if ((b[0] & 0xe0) != 0x20) {
            return "not global unicast 2000::/3";
        }
        return null;
    }

    private static String embedded(String form, byte[] b, int off) {
        String inner = v4(b, off);
        return inner == null ? null : form + ", " + inner;
    }

    private static int word(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
