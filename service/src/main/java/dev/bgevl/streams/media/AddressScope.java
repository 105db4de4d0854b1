package dev.bgevl.streams.media;

import java.net.InetAddress;

/**
 * Where an IP address leads; only {@link #PUBLIC} addresses may be fetched from unless private ones
 * are allowed.
 */
enum AddressScope {
  PUBLIC,
  /** 0.0.0.0 and ::, which connect to the local host. */
  ANY_LOCAL,
  LOOPBACK,
  LINK_LOCAL,
  /** 10/8, 172.16/12, 192.168/16 and the deprecated IPv6 site-local fec0::/10. */
  PRIVATE,
  /** fc00::/7. */
  UNIQUE_LOCAL,
  /** 100.64/10. */
  CARRIER_GRADE_NAT,
  MULTICAST,
  /** 0/8, 192.0.0/24, 198.18/15, 240/4 and broadcast: never a public web server. */
  RESERVED;

  /**
   * Classifies by the raw bytes; IPv6 forms that embed an IPv4 address are classified by that
   * address.
   */
  static AddressScope of(InetAddress address) {
    byte[] b = address.getAddress();
    return b.length == 4 ? ofIpv4(b, 0) : ofIpv6(b);
  }

  boolean isPublic() {
    return this == PUBLIC;
  }

  private static AddressScope ofIpv4(byte[] b, int at) {
    int a0 = b[at] & 0xff;
    int a1 = b[at + 1] & 0xff;
    int a2 = b[at + 2] & 0xff;
    if (a0 == 0) {
      return (a1 | a2 | (b[at + 3] & 0xff)) == 0 ? ANY_LOCAL : RESERVED;
    }
    if (a0 == 127) {
      return LOOPBACK;
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      return PRIVATE;
    }
    if (a0 == 169 && a1 == 254) {
      return LINK_LOCAL;
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return CARRIER_GRADE_NAT;
    }
    if (a0 >= 224 && a0 <= 239) {
      return MULTICAST;
    }
    if (a0 >= 240 || (a0 == 192 && a1 == 0 && a2 == 0) || (a0 == 198 && (a1 & 0xfe) == 18)) {
      return RESERVED;
    }
    return PUBLIC;
  }

  private static AddressScope ofIpv6(byte[] b) {
    if (zero(b, 0, 10)) {
      boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      boolean compatible = b[10] == 0 && b[11] == 0;
      if (compatible && zero(b, 12, 15)) {
        return b[15] == 0 ? ANY_LOCAL : b[15] == 1 ? LOOPBACK : RESERVED;
      }
      if (mapped || compatible) {
        // ::ffff:10.0.0.1 (and the old ::10.0.0.1) reach the IPv4 host on dual-stack sockets
        return ofIpv4(b, 12);
      }
    }
    // 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) route to the embedded IPv4 address through a
    // gateway
    if (b[0] == 0
        && b[1] == 0x64
        && (b[2] & 0xff) == 0xff
        && (b[3] & 0xff) == 0x9b
        && zero(b, 4, 12)) {
      return ofIpv4(b, 12);
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return ofIpv4(b, 2);
    }
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    if (b0 == 0xff) {
      return MULTICAST;
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
      return LINK_LOCAL;
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
      return PRIVATE;
    }
    if ((b0 & 0xfe) == 0xfc) {
      return UNIQUE_LOCAL;
    }
    return PUBLIC;
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
