package io.vipd.daemon.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The demo's LAN, made of network namespaces with {@code ip}: namespace {@code <id>-br} holds a
 * bridge {@code br0} with the client address {@link #CLIENT}, and nodes 1..N each have namespace
 * {@code <id>-n<i>} whose {@code eth0} (MAC {@code 02:77:77:00:00:1<i>}, address {@code
 * 10.77.77.1<i>/24}) is joined to the bridge by a veth pair. Nothing is created in the caller's own
 * namespace, so deleting the namespaces removes everything.
 *
 * <p>Not thread-safe, except {@link #close()}, which is idempotent and may run from a shutdown hook
 * while another thread uses the LAN.
 */
final class DemoLan implements AutoCloseable {

  static final String SUBNET = "10.77.77.0/24";
  static final String CLIENT = "10.77.77.1";
  static final String INTERFACE = "eth0";

  private final String id;
  private final int nodes;
  private final List<String> created = new ArrayList<>();

  /**
   * A LAN not yet built: register {@link #close()} for cleanup first, then {@link #build()}, so
   * that an interrupted build leaves nothing behind.
   *
   * @param id namespace name prefix, unique per run, e.g. {@code vipd-demo-3fa2c1}
   * @param nodes number of nodes, 1..9
   */
  DemoLan(String id, int nodes) {
    if (nodes < 1 || nodes > 9) {
      throw new IllegalArgumentException("nodes 1..9");
    }
    this.id = id;
    this.nodes = nodes;
  }

  /** Creates the namespaces, bridge, veth pairs and addresses. */
  void build() throws DemoFailure {
    String br = bridgeNamespace();
    addNamespace(br);
    ip(br, "link", "set", "lo", "up");
    ip(br, "link", "add", "br0", "type", "bridge");
    ip(br, "addr", "add", CLIENT + "/24", "dev", "br0");
    ip(br, "link", "set", "br0", "up");
    for (int i = 1; i <= nodes; i++) {
      String ns = namespace(i);
      addNamespace(ns);
      ip(ns, "link", "set", "lo", "up");
      ip(br, "link", "add", "p" + i, "type", "veth", "peer", "name", INTERFACE, "netns", ns);
      ip(br, "link", "set", "p" + i, "master", "br0", "up");
      ip(ns, "link", "set", INTERFACE, "address", mac(i));
      ip(ns, "link", "set", INTERFACE, "up");
      ip(ns, "addr", "add", address(i) + "/24", "dev", INTERFACE);
    }
  }

  /** The run's namespace name prefix. */
  String id() {
    return id;
  }

  int nodes() {
    return nodes;
  }

  /** The namespace with the bridge and the client address. */
  String bridgeNamespace() {
    return id + "-br";
  }

  /** Node {@code i}'s namespace (1-based). */
  String namespace(int node) {
    return id + "-n" + node;
  }

  /** Node {@code i}'s address, 10.77.77.(10+i). */
  static String address(int node) {
    return "10.77.77." + (10 + node);
  }

  /** Node {@code i}'s MAC, 02:77:77:00:00:(10+i) read as decimal digits, so 1i. */
  static String mac(int node) {
    return "02:77:77:00:00:" + (10 + node);
  }

  /** The node whose MAC is {@code mac}, or 0 if none. */
  int nodeWithMac(String mac) {
    for (int i = 1; i <= nodes; i++) {
      if (mac(i).equalsIgnoreCase(mac)) {
        return i;
      }
    }
    return 0;
  }

  /** Runs {@code ip -n <namespace> args...} and returns its stdout; fails unless it exits 0. */
  String ip(String namespace, String... args) throws DemoFailure {
    List<String> argv = new ArrayList<>(List.of("ip", "-n", namespace));
    argv.addAll(List.of(args));
    return Commands.check(argv.toArray(String[]::new));
  }

  /** Which nodes have {@code vip} on their {@code eth0} now (read with {@code ip -o addr}). */
  Set<Integer> holders(String vip) throws DemoFailure {
    Set<Integer> holders = new TreeSet<>();
    for (int i = 1; i <= nodes; i++) {
      if (ip(namespace(i), "-o", "-4", "addr", "show", "dev", INTERFACE)
          .contains(" " + vip + "/")) {
        holders.add(i);
      }
    }
    return holders;
  }

  /** Deletes every namespace this LAN made (and with them every link). Idempotent, bounded. */
  @Override
  public void close() {
    List<String> toDelete;
    synchronized (created) {
      toDelete = new ArrayList<>(created);
      created.clear();
    }
    for (int i = toDelete.size() - 1; i >= 0; i--) {
      String ns = toDelete.get(i);
      try {
        Commands.Result r = Commands.run("ip", "netns", "del", ns);
        if (r.exitCode() != 0 && Files.exists(Path.of("/run/netns", ns))) {
          System.err.println("vipd demo: could not delete namespace " + ns + ": " + r.stderr());
        }
      } catch (DemoFailure e) {
        System.err.println("vipd demo: could not delete namespace " + ns + ": " + e.getMessage());
      }
    }
  }

  private void addNamespace(String ns) throws DemoFailure {
    Commands.Result r = Commands.run("ip", "netns", "add", ns);
    if (r.exitCode() != 0) {
      throw new DemoFailure(
          "cannot create network namespace " + ns + " (ip netns add): " + r.stderr().trim());
    }
    synchronized (created) {
      created.add(ns);
    }
  }
}
