package io.vipd.daemon.testing;

import io.vipd.health.testing.ApiServerMain;
import io.vipd.vrrp.linux.Background;
import io.vipd.vrrp.linux.NetnsLan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A LAN of network namespaces where each node runs a real vipd (the daemon's {@code Main} in a
 * child JVM) or a real keepalived, optionally next to a stand-in kube-apiserver ({@link
 * ApiServerMain}, TLS on the node's own {@code 127.0.0.1:6443}), and the test watches where the VIP
 * is installed. Not thread-safe: one test thread drives it. {@link #close()} stops every process
 * and deletes every namespace and temporary file.
 */
public final class VipCluster implements AutoCloseable {

  /** Where vipd reaches the node's own stand-in apiserver: its loopback, port 6443. */
  public static final String APISERVER = "127.0.0.1:6443";

  /** Where {@link #startApiServer} listens inside each node: every address, so also the VIP. */
  public static final String APISERVER_BIND = "0.0.0.0:6443";

  private final NetnsLan lan;
  private final Path dir;
  private final Map<Integer, Background> nodes = new HashMap<>();
  private final Map<Integer, Background> apiservers = new HashMap<>();

  /**
   * Creates the namespaces.
   *
   * @param lanNumber the {@link NetnsLan} number (third octet of the node addresses)
   * @param nodeCount nodes 1..nodeCount
   */
  public VipCluster(int lanNumber, int nodeCount) throws IOException {
    this.lan = NetnsLan.create(lanNumber, nodeCount);
    this.dir = Files.createTempDirectory("vipd-cluster");
  }

  public NetnsLan lan() {
    return lan;
  }

  /** The LAN's spare address {@code k} as a string, used for VIPs. */
  public String vip(int k) {
    return lan.spareIpv4(k).getHostAddress();
  }

  /** Starts vipd on {@code node} with the given HOCON config; waits until it logs "started". */
  public Background startVipd(int node, String hocon) throws IOException {
    Path config = dir.resolve("vipd-" + node + ".conf");
    Files.writeString(config, hocon);
    Background b =
        lan.start(
            node,
            NetnsLan.javaCommand("io.vipd.daemon.Main", "run", "--config", config.toString()));
    nodes.put(node, b);
    try {
      b.awaitOutput("vipd started", Duration.ofSeconds(30));
    } catch (IOException e) {
      throw new IOException(
          "vipd on node " + node + " did not start\n" + b.stdout() + b.stderr(), e);
    }
    return b;
  }

  /**
   * Rewrites {@code node}'s vipd config file and sends that vipd SIGHUP (reload); waits until its
   * log shows the reload's outcome: {@code reloaded:}, {@code reload rejected} or {@code reload
   * partly applied}.
   */
  public void reload(int node, String hocon) throws IOException, InterruptedException {
    Files.writeString(dir.resolve("vipd-" + node + ".conf"), hocon);
    Background b = nodes.get(node);
    int before = count(b.stdout(), "reloading ");
    Process kill =
        new ProcessBuilder("kill", "-HUP", Long.toString(b.process().pid()))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -HUP failed");
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      String out = b.stdout();
      int at = nthIndex(out, "reloading ", before + 1);
      // the reload's own outcome line ("proxy reloaded: ..." comes before it)
      if (at >= 0
          && (out.indexOf("vipd.reload - reloaded:", at) >= 0
              || out.indexOf("problem(s);", at) >= 0
              || out.indexOf("vipd.reload - reload partly applied:", at) >= 0)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("node " + node + " did not reload\n" + logs());
  }

  public static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  private static int nthIndex(String text, String what, int n) {
    int i = -1;
    for (int k = 0; k < n; k++) {
      i = text.indexOf(what, i + 1);
      if (i < 0) {
        return -1;
      }
    }
    return i;
  }

  /** Starts keepalived in the foreground on {@code node} with the given keepalived.conf. */
  public Background startKeepalived(int node, String conf) throws IOException {
    Path config = dir.resolve("keepalived-" + node + ".conf");
    Files.writeString(config, conf);
    Background b =
        lan.start(
            node,
            "keepalived",
            "--dont-fork",
            "--log-console",
            "--log-detail",
            "--vrrp",
            "-f",
            config.toString(),
            "-p",
            dir.resolve("ka-" + node + ".pid").toString(),
            "-r",
            dir.resolve("ka-vrrp-" + node + ".pid").toString());
    nodes.put(node, b);
    return b;
  }

  public Background node(int node) {
    return nodes.get(node);
  }

  /** The temporary directory of this cluster (configs, scripts' output), deleted on close. */
  public Path dir() {
    return dir;
  }

  /**
   * Starts the stand-in apiserver of {@code node} on {@link #APISERVER_BIND} inside the node, named
   * {@code n<node>}, and waits until it listens. Its readiness follows {@link #setReady}.
   */
  public Background startApiServer(int node) throws IOException {
    return startApiServer(node, false);
  }

  /** As {@link #startApiServer(int)}; {@code plain} serves plain HTTP instead of TLS. */
  public Background startApiServer(int node, boolean plain) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bind",
                APISERVER_BIND,
                "--down-file",
                downFile(node).toString(),
                "--name",
                "n" + node));
    if (plain) {
      args.add("--plain");
    }
    Background b =
        lan.start(
            node, NetnsLan.javaCommand(ApiServerMain.class.getName(), args.toArray(String[]::new)));
    apiservers.put(node, b);
    try {
      b.awaitOutput(ApiServerMain.LISTENING, Duration.ofSeconds(30));
    } catch (IOException e) {
      throw new IOException(
          "apiserver on node " + node + " did not start\n" + b.stdout() + b.stderr(), e);
    }
    return b;
  }

  /** The stand-in apiserver process of {@code node}, or null. */
  public Background apiServer(int node) {
    return apiservers.get(node);
  }

  /** Makes {@code node}'s apiserver answer {@code /readyz} with 200 (true) or 500 (false). */
  public void setReady(int node, boolean ready) throws IOException {
    if (ready) {
      Files.deleteIfExists(downFile(node));
    } else {
      Files.writeString(downFile(node), "down\n");
    }
  }

  private Path downFile(int node) {
    return dir.resolve("apiserver-" + node + ".down");
  }

  /** Which nodes have {@code vip} installed on eth0 now. */
  public Set<Integer> holders(String vip) throws IOException {
    Set<Integer> holders = new TreeSet<>();
    for (int i = 1; i <= lan.nodes(); i++) {
      String out = lan.ip(lan.namespace(i), "-o", "addr", "show", "dev", NetnsLan.INTERFACE);
      if (out.contains(" " + vip + "/")) {
        holders.add(i);
      }
    }
    return holders;
  }

  /**
   * Waits until exactly {@code expected} holds the VIP (none when empty), and returns how long it
   * took; fails with the holders seen and every node's log otherwise.
   */
  public Duration awaitHolders(String vip, Set<Integer> expected, Duration timeout)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Set<Integer> seen;
    do {
      seen = holders(vip);
      if (seen.equals(expected)) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "VIP " + vip + " held by " + seen + ", expected " + expected + "\n" + logs());
  }

  /** Asserts that the holders stay {@code expected} for {@code period}. */
  public void assertStable(String vip, Set<Integer> expected, Duration period)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < deadline) {
      Set<Integer> seen = holders(vip);
      if (!seen.equals(expected)) {
        throw new AssertionError(
            "VIP " + vip + " moved to " + seen + ", expected " + expected + "\n" + logs());
      }
      Thread.sleep(50);
    }
  }

  /** Every node's output, for failure messages. */
  public String logs() {
    StringBuilder sb = new StringBuilder();
    List<Integer> keys = new ArrayList<>(new TreeSet<>(nodes.keySet()));
    for (int node : keys) {
      sb.append("---- node ").append(node).append(" ----\n");
      try {
        sb.append(nodes.get(node).stdout()).append(nodes.get(node).stderr());
      } catch (IOException e) {
        sb.append("(log unreadable: ").append(e.getMessage()).append(")\n");
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    nodes.values().forEach(Background::close);
    apiservers.values().forEach(Background::close);
    lan.close();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // Temporary files only; the namespaces, which matter, are gone.
    }
  }
}
