package dev.bgevl.streams.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The address classifier and the allowed-host patterns that guard HTTP image fetches. */
class ImageHostRulesTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "93.184.216.34, PUBLIC",
    "8.8.8.8, PUBLIC",
    "0.0.0.0, ANY_LOCAL",
    "0.1.2.3, RESERVED",
    "127.0.0.1, LOOPBACK",
    "127.255.0.9, LOOPBACK",
    "10.0.0.1, PRIVATE",
    "172.16.0.1, PRIVATE",
    "172.31.255.255, PRIVATE",
    "172.32.0.1, PUBLIC",
    "172.15.255.255, PUBLIC",
    "192.168.1.1, PRIVATE",
    "192.169.1.1, PUBLIC",
    "169.254.169.254, LINK_LOCAL",
    "100.64.0.1, CARRIER_GRADE_NAT",
    "100.127.255.255, CARRIER_GRADE_NAT",
    "100.128.0.1, PUBLIC",
    "100.63.255.255, PUBLIC",
    "224.0.0.1, MULTICAST",
    "239.255.255.250, MULTICAST",
    "240.0.0.1, RESERVED",
    "255.255.255.255, RESERVED",
    "192.0.0.8, RESERVED",
    "198.18.0.1, RESERVED",
    "::, ANY_LOCAL",
    "::1, LOOPBACK",
    "fe80::1, LINK_LOCAL",
    "febf::1, LINK_LOCAL",
    "fec0::1, PRIVATE",
    "fc00::1, UNIQUE_LOCAL",
    "fd12:3456::1, UNIQUE_LOCAL",
    "ff02::1, MULTICAST",
    "2606:4700::1111, PUBLIC",
    "2001:db8::1, PUBLIC",
    "64:ff9b::a00:1, PRIVATE",
    "64:ff9b::808:808, PUBLIC",
    "2002:7f00:1::, LOOPBACK",
    "2002:a9fe:a9fe::, LINK_LOCAL",
    "::7f00:1, LOOPBACK",
    "::a00:1, PRIVATE",
  })
  void shouldClassifyAddress(String literal, AddressScope expected) throws UnknownHostException {
    assertEquals(expected, AddressScope.of(InetAddress.getByName(literal)));
  }

  @ParameterizedTest(name = "::ffff:{0} is {1}")
  @CsvSource({
    "127.0.0.1, LOOPBACK",
    "10.1.2.3, PRIVATE",
    "169.254.169.254, LINK_LOCAL",
    "100.64.0.1, CARRIER_GRADE_NAT",
    "0.0.0.0, ANY_LOCAL",
    "8.8.8.8, PUBLIC",
  })
  void shouldClassifyIpv4MappedIpv6ByTheEmbeddedAddress(String ipv4, AddressScope expected)
      throws Exception {
    byte[] v4 = InetAddress.getByName(ipv4).getAddress();
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(v4, 0, mapped, 12, 4);
    // InetAddress.getByName turns "::ffff:a.b.c.d" into an Inet4Address; keep the IPv6 form on
    // purpose
    InetAddress asIpv6 = Inet6Address.getByAddress(null, mapped, -1);

    assertEquals(expected, AddressScope.of(asIpv6));
    assertEquals(expected, AddressScope.of(InetAddress.getByName("::ffff:" + ipv4)));
  }

  @Test
  void shouldMatchExactHostsCaseInsensitivelyAndIgnoringTrailingDot() {
    Set<String> allowed = Set.of(AllowedHosts.normalizeEntry("Images.Example.com"));

    assertTrue(AllowedHosts.matches(allowed, "images.example.com"));
    assertTrue(AllowedHosts.matches(allowed, "IMAGES.example.com."));
    assertFalse(AllowedHosts.matches(allowed, "example.com"));
    assertFalse(AllowedHosts.matches(allowed, "evil-images.example.com"));
    assertFalse(AllowedHosts.matches(allowed, "images.example.com.evil.net"));
  }

  @Test
  void shouldMatchSuffixPatternBelowTheDomainButNotTheDomainItself() {
    Set<String> allowed = Set.of(AllowedHosts.normalizeEntry("*.cdn.example.com"));

    assertTrue(AllowedHosts.matches(allowed, "a.cdn.example.com"));
    assertTrue(AllowedHosts.matches(allowed, "a.b.cdn.example.com"));
    assertFalse(AllowedHosts.matches(allowed, "cdn.example.com"));
    assertFalse(AllowedHosts.matches(allowed, "evilcdn.example.com"));
    assertFalse(AllowedHosts.matches(allowed, "a.cdn.example.com.evil.net"));
  }

  @Test
  void shouldMatchIpv6LiteralWithOrWithoutBrackets() {
    Set<String> allowed = Set.of(AllowedHosts.normalizeEntry("[2001:db8::1]"));

    assertTrue(AllowedHosts.matches(allowed, "[2001:db8::1]"));
    assertTrue(AllowedHosts.matches(allowed, "2001:db8::1"));
  }
}
