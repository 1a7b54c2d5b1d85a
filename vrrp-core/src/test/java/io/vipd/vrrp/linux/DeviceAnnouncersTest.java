package io.vipd.vrrp.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vipd.vrrp.port.LinkAnnouncer;
import io.vipd.vrrp.port.VirtualAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which device's announcer each address goes to, and reopening one whose send failed. */
class DeviceAnnouncersTest {

  private final List<String> sent = new ArrayList<>();
  private final List<String> opened = new ArrayList<>();
  private boolean failNext;

  private LinkAnnouncer on(String device) {
    return vip -> {
      if (failNext) {
        failNext = false;
        throw new IOException("sendto on " + device + ": No such device");
      }
      sent.add(device + " " + vip.getHostAddress());
    };
  }

  private static VirtualAddress vip(String address, String device) throws IOException {
    return new VirtualAddress(InetAddress.getByName(address), 24, device, Optional.empty());
  }

  @Test
  void eachAddressGoesOutOnItsDeviceAndAFailedDeviceIsOpenedAgain() throws IOException {
    DeviceAnnouncers a =
        new DeviceAnnouncers(
            "eth0",
            on("eth0"),
            device -> {
              opened.add(device);
              return on(device);
            });
    a.announce(vip("10.0.0.1", "eth0"));
    a.announce(vip("10.0.1.1", "eth1"));
    a.announce(vip("10.0.1.2", "eth1"));
    assertEquals(List.of("eth0 10.0.0.1", "eth1 10.0.1.1", "eth1 10.0.1.2"), sent);
    assertEquals(List.of("eth1"), opened, "opened once, when first needed");

    failNext = true; // eth1 was deleted and created again
    assertThrows(IOException.class, () -> a.announce(vip("10.0.1.1", "eth1")));
    a.announce(vip("10.0.1.1", "eth1"));
    assertEquals(List.of("eth1", "eth1"), opened, "opened again after the failure");
    assertEquals("eth1 10.0.1.1", sent.get(sent.size() - 1));
    a.close();
  }

  @Test
  void aDeviceWithoutEthernetIsLookedAtOnceAndSkipped() throws IOException {
    DeviceAnnouncers a =
        new DeviceAnnouncers(
            "eth0",
            on("eth0"),
            device -> {
              opened.add(device);
              throw new NoEthernetAddressException("interface wg0 has no Ethernet address");
            });
    a.announce(vip("10.9.0.1", "wg0"));
    a.announce(vip("10.9.0.1", "wg0"));
    assertEquals(List.of(), sent, "nothing sent, no error");
    assertEquals(List.of("wg0"), opened, "looked at once");
  }
}
