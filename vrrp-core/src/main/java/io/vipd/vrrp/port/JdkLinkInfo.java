package io.vipd.vrrp.port;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.Optional;

/**
 * {@link LinkInfo} from {@link NetworkInterface}. The JDK lists an interface's IPv4 addresses in
 * the reverse of the kernel's order, so the primary address is the last one it reports. Reads the
 * network namespace of the process (the JDK reads {@code /proc/net} for IPv6).
 */
final class JdkLinkInfo implements LinkInfo {

  @Override
  public int index(String interfaceName) throws IOException {
    return find(interfaceName).getIndex();
  }

  @Override
  public byte[] macAddress(String interfaceName) throws IOException {
    byte[] mac = find(interfaceName).getHardwareAddress();
    if (mac == null || mac.length != 6) {
      throw new IOException("interface " + interfaceName + " has no Ethernet MAC address");
    }
    return mac;
  }

  @Override
  public boolean isUp(String interfaceName) throws IOException {
    return find(interfaceName).isUp();
  }

  @Override
  public Optional<Inet4Address> primaryIpv4Address(String interfaceName) throws IOException {
    Inet4Address last = null;
    for (InetAddress a : Collections.list(find(interfaceName).getInetAddresses())) {
      if (a instanceof Inet4Address v4) {
        last = v4;
      }
    }
    return Optional.ofNullable(last);
  }

  @Override
  public Optional<Inet6Address> ipv6LinkLocalAddress(String interfaceName) throws IOException {
    for (InetAddress a : Collections.list(find(interfaceName).getInetAddresses())) {
      if (a instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
        return Optional.of(v6);
      }
    }
    return Optional.empty();
  }

  private static NetworkInterface find(String interfaceName) throws IOException {
    NetworkInterface nif = NetworkInterface.getByName(interfaceName);
    if (nif == null) {
      throw new IOException("no such interface: " + interfaceName);
    }
    return nif;
  }
}
