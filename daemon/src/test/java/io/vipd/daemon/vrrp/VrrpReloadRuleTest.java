package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.config.VrrpInstanceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reload rule of {@link VrrpService#reconcile}: which changes of an instance's configuration
 * apply in place (and how they are reported), which restart it. Configurations are loaded from
 * HOCON as an operator writes them.
 */
class VrrpReloadRuleTest {

  private static final String BASE =
      "name = VI_1, interface = eth0, virtual-router-id = 51, advert-interval = 100ms,"
          + " virtual-ips = [\"10.0.0.100/24\"]";

  @TempDir Path dir;
  private int files;

  private VrrpInstanceConfig instance(String extra) throws IOException {
    Path f = dir.resolve("vipd-" + files++ + ".conf");
    Files.writeString(
        f,
        "admin.enabled = false\n"
            + "checks.api { type = tcp, address = \"127.0.0.1:6443\" }\n"
            + "vrrp.instances = [ { "
            + BASE
            + (extra.isEmpty() ? "" : ", " + extra)
            + " } ]\n");
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow().vrrp().instances().get(0);
  }

  private Optional<List<String>> change(String before, String after) throws IOException {
    return VrrpService.inPlaceChanges(instance(before), instance(after));
  }

  @Test
  void tuningAppliesInPlaceAndSaysWhat() throws IOException {
    assertEquals(
        Optional.of(List.of("priority 100 -> 90")), change("priority = 100", "priority = 90"));
    assertEquals(
        Optional.of(
            List.of(
                "priority 100 -> 120",
                "preempt false",
                "preempt-delay 5000ms",
                "lower-priority-advert false",
                "garp",
                "track",
                "notify")),
        change(
            "priority = 100",
            "priority = 120, preempt = false, preempt-delay = 5s, lower-priority-advert = false,"
                + " garp { repeat = 2 }, track { checks = [ { name = api, weight = -30 } ] },"
                + " notify { master = \"/bin/true\" }"));
    assertEquals(
        Optional.of(List.of("track")),
        change(
            "track { checks = [ { name = api, weight = -20 } ] }",
            "track { checks = [ { name = api, weight = -40 } ] }"));
    assertEquals(Optional.of(List.of()), change("priority = 100", "priority = 100"));
  }

  /** A control-plane node joins or leaves: the peers change in place, as keepalived's do. */
  @Test
  void unicastPeersChangeInPlace() throws IOException {
    assertEquals(
        Optional.of(List.of("unicast peers [10.0.0.2, 10.0.0.3]")),
        change(
            "unicast { source = \"10.0.0.1\", peers = [\"10.0.0.2\"] }",
            "unicast { source = \"10.0.0.1\", peers = [\"10.0.0.2\", \"10.0.0.3\"] }"));
    assertEquals(
        Optional.of(List.of("priority 100 -> 90", "unicast peers [10.0.0.3]")),
        change(
            "priority = 100, unicast { peers = [\"10.0.0.2\", \"10.0.0.3\"] }",
            "priority = 90, unicast { peers = [\"10.0.0.3\"] }"));
  }

  @Test
  void identityChangesRestart() throws IOException {
    List<String[]> restarts =
        List.of(
            new String[] {"virtual-router-id = 51", "virtual-router-id = 52"},
            new String[] {"advert-interval = 100ms", "advert-interval = 200ms"},
            new String[] {"version = 3", "version = 2, advert-interval = 1s"},
            new String[] {"initial-state = backup", "initial-state = master"},
            new String[] {"priority = 100", "priority = 255"},
            new String[] {"priority = 255", "priority = 254"},
            new String[] {"interface = eth0", "interface = eth1"},
            new String[] {"virtual-ips = [\"10.0.0.100/24\"]", "virtual-ips = [\"10.0.0.101/24\"]"},
            new String[] {"virtual-ips = [\"10.0.0.100/24\"]", "virtual-ips = [\"10.0.0.100/32\"]"},
            new String[] {"priority = 100", "priority = 90, unicast { peers = [\"10.0.0.2\"] }"},
            new String[] {"unicast { peers = [\"10.0.0.2\"] }", "priority = 100"},
            new String[] {
              "unicast { source = \"10.0.0.1\", peers = [\"10.0.0.2\"] }",
              "unicast { source = \"10.0.0.3\", peers = [\"10.0.0.2\"] }"
            },
            // a member seats itself in its group as it starts
            new String[] {"priority = 100", "priority = 100, sync-group = G1"},
            new String[] {"sync-group = G1", "sync-group = G2"});
    for (String[] r : restarts) {
      assertEquals(Optional.empty(), change(r[0], r[1]), r[0] + " -> " + r[1]);
    }
  }
}
