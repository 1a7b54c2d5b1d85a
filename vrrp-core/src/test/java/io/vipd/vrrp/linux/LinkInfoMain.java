package io.vipd.vrrp.linux;

import io.vipd.vrrp.port.LinkInfo;
import java.util.HexFormat;

/** Child-process entry point: prints what {@link LinkInfo#DEFAULT} reports for one interface. */
public final class LinkInfoMain {

  private LinkInfoMain() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    LinkInfo info = LinkInfo.DEFAULT;
    System.out.println("index=" + info.index(name));
    System.out.println("mac=" + HexFormat.ofDelimiter(":").formatHex(info.macAddress(name)));
    System.out.println("up=" + info.isUp(name));
    System.out.println(
        "ipv4=" + info.primaryIpv4Address(name).map(a -> a.getHostAddress()).orElse("none"));
    String linkLocal = info.ipv6LinkLocalAddress(name).map(a -> a.getHostAddress()).orElse("none");
    // Without the "%eth0" scope suffix, to compare with a plain address.
    System.out.println("linklocal=" + linkLocal.replaceFirst("%.*$", ""));
    try {
      info.index("nosuch0");
      System.out.println("missing=found?!");
    } catch (java.io.IOException e) {
      System.out.println("missing=" + e.getMessage());
    }
  }
}
