package io.vipd.vrrp.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.port.VirtualAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * LinkInfo.DEFAULT (java.net.NetworkInterface) in a child JVM started inside a node namespace, with
 * a /32 VIP and a labelled secondary already installed: the primary address must still be the
 * node's own.
 */
@Tag("netns")
class JdkLinkInfoNetnsTest {

  private static final String IF = NetnsLan.INTERFACE;

  @Test
  void reportsTheNodeFactsFromInsideTheNamespace() throws Exception {
    NetnsRequirement.require();
    try (NetnsLan lan = NetnsLan.create(204, 1);
        NetlinkVipManager vips = lan.inNode(1, NetlinkVipManager::open)) {
      vips.add(VirtualAddress.of(lan.spareIpv4(1), 32, IF));
      vips.add(new VirtualAddress(lan.spareIpv4(2), 24, IF, Optional.of("eth0:v")));
      int index = lan.inNode(1, () -> Interfaces.index(IF));

      Background child = lan.start(1, NetnsLan.javaCommand(LinkInfoMain.class.getName(), IF));
      assertEquals(0, child.awaitExit(Duration.ofSeconds(30)), child.stderr());
      Map<String, String> facts =
          child
              .stdout()
              .lines()
              .filter(l -> l.contains("="))
              .collect(Collectors.toMap(l -> l.split("=", 2)[0], l -> l.split("=", 2)[1]));

      assertEquals(String.valueOf(index), facts.get("index"));
      assertEquals(HexFormat.ofDelimiter(":").formatHex(lan.mac(1)), facts.get("mac"));
      assertEquals("true", facts.get("up"));
      assertEquals(lan.ipv4(1).getHostAddress(), facts.get("ipv4"));
      assertEquals(lan.linkLocal(1).getHostAddress(), facts.get("linklocal"));
      assertTrue(facts.get("missing").contains("nosuch0"), facts.toString());
    }
  }
}
