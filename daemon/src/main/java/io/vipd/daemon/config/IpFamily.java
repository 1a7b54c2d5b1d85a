package io.vipd.daemon.config;

import java.net.Inet4Address;
import java.net.InetAddress;

/** Address family of a VRRP instance (all its VIPs share one) or of an address. */
public enum IpFamily {
  IPV4,
  IPV6;

  public static IpFamily of(InetAddress a) {
    return a instanceof Inet4Address ? IPV4 : IPV6;
  }

  @Override
  public String toString() {
    return this == IPV4 ? "IPv4" : "IPv6";
  }
}
