package io.vipd.daemon.vrrp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.Background;
import io.vipd.vrrp.linux.NetnsLan;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What the VRRP network-namespace tests observe and do on a {@link VipCluster}'s LAN from the
 * outside: a node's MAC, a client's neighbour entry, who answers a TCP connection to the VIP, a
 * SIGKILL, a cut bridge port. Every wait is bounded by the timeout it is given and polls every 20
 * ms. Called from the test thread only.
 */
final class LanProbes {

  private LanProbes() {}

  /** Node {@code node}'s MAC as {@code ip neigh} prints it: {@code 02:77:d7:00:00:0b}. */
  static String mac(NetnsLan lan, int node) {
    return HexFormat.ofDelimiter(":").formatHex(lan.mac(node));
  }

  /** {@code node}'s neighbour entry for {@code ip} as {@code ip neigh show} prints it. */
  static String neighbour(NetnsLan lan, int node, String ip) throws IOException {
    return lan.exec(node, "ip", "neigh", "show", ip, "dev", NetnsLan.INTERFACE).stdout().trim();
  }

  /**
   * Waits until {@code node}'s neighbour entry for {@code ip} names {@code mac}, without sending
   * anything to {@code ip} (so only an announcement can have changed it); fails otherwise.
   */
  static void awaitNeighbour(NetnsLan lan, int node, String ip, String mac, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String seen;
    do {
      seen = neighbour(lan, node, ip);
      if (seen.contains(" lladdr " + mac + " ")) {
        return;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "node " + node + " neighbour entry for " + ip + " is '" + seen + "', expected " + mac);
  }

  /** Waits until {@code node} holds {@code vip} (others may still hold it too). */
  static void awaitHolding(VipCluster c, String vip, int node, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      if (c.holders(vip).contains(node)) {
        return;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "node " + node + " did not take " + vip + " (held by " + c.holders(vip) + ")\n" + c.logs());
  }

  /** SIGKILL: the process gets no chance to send priority 0 or remove its VIP. */
  static void kill9(Background b) throws IOException {
    b.process().destroyForcibly();
    b.awaitExit(Duration.ofSeconds(10));
  }

  /**
   * Detaches {@code node}'s veth end from the bridge: both ends stay up with carrier (so vipd sees
   * no link event and stays out of FAULT), but nothing passes between that node and the others.
   */
  static void cut(NetnsLan lan, int node) throws IOException {
    lan.ip(lan.bridgeNamespace(), "link", "set", lan.bridgePort(node), "nomaster");
  }

  /** Undoes {@link #cut}: the port joins the bridge again and forwards at once (no STP). */
  static void heal(NetnsLan lan, int node) throws IOException {
    lan.ip(lan.bridgeNamespace(), "link", "set", lan.bridgePort(node), "master", "br0");
  }

  /**
   * Opens a TCP connection from {@code client} to {@code http://host:port/readyz} (curl, 2 s at
   * most) and returns which stand-in apiserver answered (its {@code X-Served-By} header); fails
   * unless the connection succeeded with HTTP 200.
   */
  static String servedBy(VipCluster c, int client, String host, int port) throws IOException {
    NetnsLan.ExecResult r =
        c.lan()
            .exec(
                client,
                "curl",
                "-s",
                "--max-time",
                "2",
                "-o",
                "/dev/null",
                "-D",
                "-",
                "http://" + host + ":" + port + "/readyz");
    String headers = r.stdout();
    assertTrue(
        r.exitCode() == 0 && headers.startsWith("HTTP/1.1 200"),
        "GET via "
            + host
            + ": exit "
            + r.exitCode()
            + " "
            + headers
            + r.stderr()
            + "\n"
            + c.logs());
    for (String line : headers.split("\r?\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("x-served-by:")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    throw new AssertionError("no X-Served-By in " + headers);
  }
}
