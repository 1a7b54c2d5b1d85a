package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reload (SIGHUP) of the VRRP part, with real vipd processes in network namespaces: an unchanged
 * instance keeps its state (no re-election, no transition); an added instance starts; tuning
 * (priority, track weights, notify scripts) applies in place, the master keeping the VIP throughout
 * unless the new priority makes the other node the better router, which then preempts; an identity
 * change restarts the instance (its master gives the VIP away with priority 0); a broken file
 * changes nothing.
 */
@Tag("netns")
class VrrpReloadNetnsTest {

  private static final Duration START = Duration.ofSeconds(10);

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip", "kill", "sh");
  }

  private static String instance(String name, int vrid, int prio, String vip, String... extras) {
    return "{ name = "
        + name
        + ", interface = eth0, virtual-router-id = "
        + vrid
        + ", priority = "
        + prio
        + ", advert-interval = 100ms, virtual-ips = [\""
        + vip
        + "/24\"]"
        + (extras.length == 0 ? "" : ", " + String.join(", ", extras))
        + " }";
  }

  private static String vipd(String... instances) {
    return "vrrp.instances = [ " + String.join(", ", instances) + " ]\nadmin.enabled = false\n";
  }

  @Test
  void reloadKeepsUnchangedInstancesAndRestartsChangedOnes() throws Exception {
    try (VipCluster c = new VipCluster(213, 2)) {
      String vip1 = c.vip(1);
      String vip2 = c.vip(2);
      c.startVipd(1, vipd(instance("VI_1", 61, 100, vip1)));
      c.startVipd(2, vipd(instance("VI_1", 61, 150, vip1)));
      c.awaitHolders(vip1, Set.of(2), START);
      c.assertStable(vip1, Set.of(2), Duration.ofMillis(500));

      // Unchanged instance on the master: nothing happens.
      int transitions2 = VipCluster.count(c.node(2).stdout(), "(VI_1) Entering");
      c.reload(2, vipd(instance("VI_1", 61, 150, vip1)) + "# touched\n");
      assertTrue(c.node(2).stdout().contains("reloaded: no change"), c.logs());
      c.assertStable(vip1, Set.of(2), Duration.ofMillis(600));
      assertEquals(transitions2, VipCluster.count(c.node(2).stdout(), "(VI_1) Entering"));

      // Added instance on the backup: it starts and takes vip2; VI_1 there is left alone.
      int transitions1 = VipCluster.count(c.node(1).stdout(), "(VI_1) Entering");
      c.reload(1, vipd(instance("VI_1", 61, 100, vip1), instance("VI_2", 62, 100, vip2)));
      assertTrue(c.node(1).stdout().contains("VRRP instance VI_2 added"), c.logs());
      c.awaitHolders(vip2, Set.of(1), START);
      c.assertStable(vip1, Set.of(2), Duration.ofMillis(300));
      assertEquals(transitions1, VipCluster.count(c.node(1).stdout(), "(VI_1) Entering"));

      // A broken file on the master changes nothing.
      c.reload(2, vipd(instance("VI_1", 61, 999, vip1)));
      assertTrue(c.node(2).stdout().contains("reload rejected"), c.logs());
      c.assertStable(vip1, Set.of(2), Duration.ofMillis(600));

      // A changed identity (the advert interval) on the master: the instance restarts, giving
      // the VIP away at once (priority 0), and comes back lower than the backup.
      c.reload(2, vipd(instance("VI_1", 61, 90, vip1, "advert-interval = 200ms")));
      assertTrue(c.node(2).stdout().contains("VRRP instance VI_1 changed: restarted"), c.logs());
      c.awaitHolders(vip1, Set.of(1), Duration.ofSeconds(3));
      c.assertStable(vip1, Set.of(1), Duration.ofMillis(600));
      c.assertStable(vip2, Set.of(1), Duration.ofMillis(100));
    }
  }

  @Test
  void tuningTheMastersPriorityTrackWeightAndNotifyKeepsTheVipOnIt() throws Exception {
    try (VipCluster c = new VipCluster(215, 2)) {
      String vip = c.vip(1);
      NetnsLan lan = c.lan();
      // A tracked interface inside node 2 (a veth pair: the dummy driver may be missing).
      lan.exec(2, "ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk1").orThrow();
      lan.exec(2, "ip", "link", "set", "trk1", "up").orThrow();
      lan.exec(2, "ip", "link", "set", "trk0", "up").orThrow();
      Path record = c.dir().resolve("record.sh");
      Files.writeString(record, "#!/bin/sh\nf=$1\nshift\necho \"$@\" >> \"$f\"\n");
      Files.setPosixFilePermissions(record, PosixFilePermissions.fromString("rwx------"));
      Path anyOld = c.dir().resolve("any-old.log");
      Path anyNew = c.dir().resolve("any-new.log");

      c.startVipd(1, vipd(instance("VI_1", 71, 100, vip)));
      c.startVipd(2, vipd(tuned(vip, 150, -20, record, anyOld)));
      c.awaitHolders(vip, Set.of(2), START);
      assertEquals(
          List.of("INSTANCE VI_1 BACKUP 150", "INSTANCE VI_1 MASTER 150"),
          awaitLines(anyOld, 2, START),
          c.logs());
      c.assertStable(vip, Set.of(2), Duration.ofMillis(500));

      int transitions1 = VipCluster.count(c.node(1).stdout(), "(VI_1) Entering");
      int transitions2 = VipCluster.count(c.node(2).stdout(), "(VI_1) Entering");
      int removals2 = VipCluster.count(c.node(2).stdout(), "Removing VIP");
      List<String> moved = Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean watching = new AtomicBoolean(true);
      Thread watcher =
          new Thread(
              () -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (watching.get() && System.nanoTime() < deadline) {
                  try {
                    Set<Integer> holders = c.holders(vip);
                    if (!holders.equals(Set.of(2))) {
                      moved.add(holders.toString());
                    }
                    Thread.sleep(20);
                  } catch (IOException | InterruptedException e) {
                    moved.add("watch failed: " + e);
                    return;
                  }
                }
              },
              "vip-watch");
      watcher.start();
      try {
        // Lower priority (still the highest), heavier track weight, other notify script.
        c.reload(2, vipd(tuned(vip, 140, -60, record, anyNew)));
        assertTrue(
            c.node(2)
                .stdout()
                .contains(
                    "VRRP instance VI_1 changed in place: priority 150 -> 140, track, notify"),
            c.logs());
        Thread.sleep(1000); // a good many adverts at the new priority
      } finally {
        watching.set(false);
        watcher.join(5000);
      }
      assertEquals(List.of(), moved, "the VIP stayed on node 2 throughout\n" + c.logs());
      assertEquals(transitions1, VipCluster.count(c.node(1).stdout(), "(VI_1) Entering"));
      assertEquals(transitions2, VipCluster.count(c.node(2).stdout(), "(VI_1) Entering"));
      assertEquals(removals2, VipCluster.count(c.node(2).stdout(), "Removing VIP"));
      assertFalse(c.node(2).stdout().contains("changed: restarted"), c.logs());

      // The new settings are in force: trk0 down now costs 60 (140 - 60 = 80 < 100; the old 20
      // would have left 130), node 1 preempts, and the new notify script reports it.
      lan.exec(2, "ip", "link", "set", "trk0", "down").orThrow();
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(3));
      c.node(2)
          .awaitOutput(
              "(VI_1) Changing effective priority from 140 to 80: interface trk0 failed",
              Duration.ofSeconds(3));
      assertEquals(List.of("INSTANCE VI_1 BACKUP 80"), awaitLines(anyNew, 1, START), c.logs());
      assertEquals(2, read(anyOld).size(), "the replaced script no longer runs: " + read(anyOld));
    }
  }

  @Test
  void aPriorityChangeOnReloadMakesTheOtherNodeTheBetterRouterAndItPreempts() throws Exception {
    try (VipCluster c = new VipCluster(216, 2)) {
      String vip = c.vip(1);
      c.startVipd(1, vipd(instance("VI_1", 72, 100, vip)));
      c.startVipd(2, vipd(instance("VI_1", 72, 150, vip)));
      c.awaitHolders(vip, Set.of(2), START);
      c.assertStable(vip, Set.of(2), Duration.ofMillis(500));

      // The master drops below the backup: it advertises 90 (no priority 0), the backup preempts.
      c.reload(2, vipd(instance("VI_1", 72, 90, vip)));
      assertTrue(
          c.node(2).stdout().contains("VRRP instance VI_1 changed in place: priority 150 -> 90"),
          c.logs());
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(3));
      c.node(1)
          .awaitOutput(
              "Entering MASTER STATE (master down timer expired; preempting lower priority master",
              Duration.ofSeconds(3));
      c.node(2)
          .awaitOutput(
              "(VI_1) Entering BACKUP STATE (higher priority advertisement from",
              Duration.ofSeconds(3));
      assertFalse(c.node(2).stdout().contains("Entering INITIALIZE"), "no restart\n" + c.logs());
      c.assertStable(vip, Set.of(1), Duration.ofMillis(500));

      // The backup rises above the master: it preempts in turn.
      int masters2 = VipCluster.count(c.node(2).stdout(), "(VI_1) Entering MASTER STATE");
      c.reload(2, vipd(instance("VI_1", 72, 120, vip)));
      assertTrue(
          c.node(2).stdout().contains("VRRP instance VI_1 changed in place: priority 90 -> 120"),
          c.logs());
      c.awaitHolders(vip, Set.of(2), Duration.ofSeconds(3));
      c.assertStable(vip, Set.of(2), Duration.ofMillis(500));
      String log2 = c.node(2).stdout();
      assertEquals(masters2 + 1, VipCluster.count(log2, "(VI_1) Entering MASTER STATE"), log2);
      String sinceReload = log2.substring(log2.indexOf("priority 90 -> 120"));
      assertTrue(sinceReload.contains("preempting lower priority master"), log2);
      assertFalse(log2.contains("Entering INITIALIZE"), "no restart\n" + c.logs());
    }
  }

  /**
   * A third control-plane node joins a unicast pair: each node's peers change by reload, the master
   * keeping the VIP throughout (a restart would give it away with priority 0), and the new node
   * hears the master from then on (else it would claim the VIP after its down interval). When the
   * master stops, the best of the others (the new node) takes over alone: the old backup takes its
   * adverts, as its peer list says.
   */
  @Test
  void aControlPlaneNodeJoiningAUnicastGroupDoesNotMoveTheVip() throws Exception {
    try (VipCluster c = new VipCluster(238, 3)) {
      String vip = c.vip(1);
      String[] ip = new String[4];
      for (int n = 1; n <= 3; n++) {
        ip[n] = c.lan().ipv4(n).getHostAddress();
      }
      c.startVipd(1, vipd(unicast(vip, 150, ip[1], ip[2])));
      c.startVipd(2, vipd(unicast(vip, 100, ip[2], ip[1])));
      c.awaitHolders(vip, Set.of(1), START);
      c.assertStable(vip, Set.of(1), Duration.ofMillis(500));
      int entered1 = VipCluster.count(c.node(1).stdout(), "(VI_1) Entering");

      c.reload(1, vipd(unicast(vip, 150, ip[1], ip[2], ip[3])));
      c.assertStable(vip, Set.of(1), Duration.ofMillis(300));
      c.reload(2, vipd(unicast(vip, 100, ip[2], ip[1], ip[3])));
      c.startVipd(3, vipd(unicast(vip, 120, ip[3], ip[1], ip[2])));
      c.node(3).awaitOutput("(VI_1) Entering BACKUP STATE", START);
      // many down intervals (0.3 s and a skew) of the new node: it hears the master
      c.assertStable(vip, Set.of(1), Duration.ofSeconds(2));
      assertEquals(entered1, VipCluster.count(c.node(1).stdout(), "(VI_1) Entering"), c.logs());
      assertEquals(0, VipCluster.count(c.node(3).stdout(), "Entering MASTER STATE"), c.logs());

      assertTrue(
          c.node(1)
              .stdout()
              .contains(
                  "VRRP instance VI_1 changed in place: unicast peers [" + ip[2] + ", " + ip[3]),
          c.logs());
      c.node(1).process().destroy(); // priority 0: the best of the others takes over, alone
      c.awaitHolders(vip, Set.of(3), Duration.ofSeconds(3));
      c.assertStable(vip, Set.of(3), Duration.ofSeconds(1));
    }
  }

  /**
   * A reload that adds VRRP to a vipd that had none, tracking with weight 0 an interface that does
   * not exist (nothing but {@code vipd check --host} looks for it first), starts the instance in
   * FAULT: the interface counts as down until it exists, so the instance never runs untracked with
   * the VIP. The corrected file then lets it take the VIP.
   */
  @Test
  void aReloadAddingVrrpThatTracksAMissingInterfaceStartsItInFault() throws Exception {
    try (VipCluster c = new VipCluster(239, 1)) {
      String vip = c.vip(1);
      c.startVipd(1, vipd() + proxy("a"));
      c.node(1).awaitOutput("vipd started", START);

      c.reload(
          1,
          vipd(
                  instance(
                      "VI_1",
                      74,
                      150,
                      vip,
                      "track { interfaces = [ { name = nosuch0, weight = 0 } ] }"))
              + proxy("a", "b"));
      String log = c.node(1).stdout();
      assertTrue(log.contains("VRRP started: 1 instance(s)"), c.logs());
      assertTrue(log.contains("tracked interface nosuch0: "), c.logs());
      assertFalse(log.contains("reload partly applied"), c.logs());
      c.node(1).awaitOutput("(VI_1) Entering FAULT STATE", START);
      c.assertStable(vip, Set.of(), Duration.ofSeconds(1));

      c.reload(1, vipd(instance("VI_1", 74, 150, vip)) + proxy("a", "b"));
      c.awaitHolders(vip, Set.of(1), START);
    }
  }

  /**
   * A reload that adds a tracked interface which does not exist yet applies: the interface counts
   * as down until it exists, and is watched for, as an instance's own missing interface is FAULT.
   * Before, the reload's tracking failed (\"partly applied\"), and with it the instance's tracking
   * as it was: an instance that tracked its proxy no longer did, and kept the VIP whatever the
   * proxy's health, until a reload succeeded.
   */
  @Test
  void aTrackedInterfaceMissingAtAReloadCountsAsDownUntilItExists() throws Exception {
    try (VipCluster c = new VipCluster(241, 2)) {
      String vip = c.vip(1);
      c.startVipd(1, vipd(instance("VI_1", 76, 150, vip)));
      c.startVipd(2, vipd(instance("VI_1", 76, 100, vip)));
      c.awaitHolders(vip, Set.of(1), START);

      String tracked =
          vipd(
              instance(
                  "VI_1",
                  76,
                  150,
                  vip,
                  "track { interfaces = [ { name = trk0, weight = -100 } ] }"));
      c.reload(1, tracked);
      c.node(1).awaitOutput("tracked interface trk0: ", START);
      assertFalse(c.node(1).stdout().contains("reload partly applied"), c.logs());
      c.awaitHolders(vip, Set.of(2), START); // down while missing: 150 - 100 < 100

      // the interface appears and comes up: tracked without another reload, node 1 preempts
      NetnsLan lan = c.lan();
      lan.exec(1, "ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk1").orThrow();
      lan.exec(1, "ip", "link", "set", "trk1", "up").orThrow();
      lan.exec(1, "ip", "link", "set", "trk0", "up").orThrow();
      c.awaitHolders(vip, Set.of(1), START);
    }
  }

  private static String vrrpOnly(String... instances) {
    return "vrrp.instances = [ " + String.join(", ", instances) + " ]\n";
  }

  /** A proxy section with one frontend per name, on ports 18000 on, to one unchecked server. */
  private static String proxy(String... frontends) {
    List<String> f = new ArrayList<>();
    for (int i = 0; i < frontends.length; i++) {
      f.add(
          "{ name = " + frontends[i] + ", bind = \"127.0.0.1:" + (18000 + i) + "\", backend = k }");
    }
    return "proxy {\n  frontends = [ "
        + String.join(", ", f)
        + " ]\n  backends.k { check.type = none, servers = [ { name = s1, address ="
        + " \"127.0.0.1:6443\" } ] }\n}\n";
  }

  private static String unicast(String vip, int prio, String source, String... peers) {
    return instance(
        "VI_1",
        73,
        prio,
        vip,
        "unicast { source = \""
            + source
            + "\", peers = [\""
            + String.join("\", \"", peers)
            + "\"] }");
  }

  /** Node 2's instance of the in-place test: tracks trk0 and records its transitions. */
  private static String tuned(String vip, int prio, int weight, Path record, Path any) {
    return instance(
        "VI_1",
        71,
        prio,
        vip,
        "track { interfaces = [ { name = trk0, weight = " + weight + " } ] }",
        "notify { any = \"" + record + " " + any + "\" }");
  }

  /** Waits until {@code file} has exactly {@code n} lines and returns them. */
  private static List<String> awaitLines(Path file, int n, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> lines = read(file);
    while (lines.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
      lines = read(file);
    }
    assertEquals(n, lines.size(), file + ": " + lines);
    return lines;
  }

  private static List<String> read(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
