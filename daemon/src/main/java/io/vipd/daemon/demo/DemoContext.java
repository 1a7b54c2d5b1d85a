package io.vipd.daemon.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the demo steps share: the LAN, the running vipd nodes, the narrator, who holds the VIP and
 * the measured figures for the summary. Main thread only (the cleanup it registers may run on the
 * shutdown hook thread).
 */
final class DemoContext {

  /** The demo's virtual IP, in {@link DemoLan#SUBNET}. */
  static final String VIP = "10.77.77.100";

  /** The demo's VRRP advertisement interval, in milliseconds. */
  static final int ADVERT_MS = 100;

  static final Duration POLL = Duration.ofMillis(10);

  /** Where each node's stand-in apiserver listens (HTTPS). */
  static final int APISERVER_PORT = 6443;

  /** Where each node's vipd proxies to the apiservers (TLS passes through). */
  static final int PROXY_PORT = 8443;

  private final Narrator narrator;
  private final DemoLan lan;
  private final Path dir;
  private final Cleanup cleanup;
  private final boolean havePing;
  private final Map<Integer, DemoNode> nodes = new TreeMap<>();
  private final Map<Integer, DemoNode> apiServers = new TreeMap<>();
  private final List<String> summary = new ArrayList<>();
  private int holder;

  DemoContext(Narrator narrator, DemoLan lan, Path dir, Cleanup cleanup, boolean havePing) {
    this.narrator = narrator;
    this.lan = lan;
    this.dir = dir;
    this.cleanup = cleanup;
    this.havePing = havePing;
  }

  Narrator say() {
    return narrator;
  }

  DemoLan lan() {
    return lan;
  }

  Path dir() {
    return dir;
  }

  boolean havePing() {
    return havePing;
  }

  /**
   * Node {@code i}'s VRRP priority: 100, 150, 200, so the last node is the preferred master.
   *
   * <p>Not 101/102/103: with a 100 ms interval their skew times differ by 0.4 ms, so after a
   * priority-0 advertisement both remaining backups may become master for a moment; the loser's
   * gratuitous ARP then points clients at a node without the VIP, and vipd (no second GARP burst
   * yet) leaves them there for several seconds. 50 apart gives 20 ms, enough for the winner's
   * advertisement to arrive first.
   */
  static int priority(int node) {
    return 50 + 50 * node;
  }

  /** Writes node {@code i}'s config (VRRPv3, 100 ms adverts, the VIP) and starts its vipd. */
  DemoNode startVipd(int node) throws DemoFailure {
    Path config = dir.resolve("node-" + node + ".conf");
    String hocon =
        "# vipd demo node "
            + node
            + "\nvrrp.instances = [ {\n  name = VI_1\n  interface = "
            + DemoLan.INTERFACE
            + "\n  virtual-router-id = 77\n  version = 3\n  priority = "
            + priority(node)
            + "\n  advert-interval = "
            + ADVERT_MS
            + "ms\n  virtual-ips = [\""
            + VIP
            + "/24\"]\n"
            + (apiServers.isEmpty()
                ? ""
                : "  track.checks = [ { name = proxy-ready, weight = 0 } ]\n")
            + "} ]\nadmin.enabled = false\n"
            + (apiServers.isEmpty() ? "" : proxyConfig());
    try {
      Files.writeString(config, hocon);
    } catch (IOException e) {
      throw new DemoFailure("cannot write " + config + ": " + e.getMessage());
    }
    DemoNode n =
        DemoNode.start(node, lan.namespace(node), config, dir.resolve("node-" + node + ".log"));
    nodes.put(node, n);
    cleanup.add(n::close);
    return n;
  }

  /**
   * The proxy part of every node's config: frontend {@code 0.0.0.0:8443} to all the apiservers,
   * each checked with {@code GET /readyz} over TLS (the demo's self-signed certificate: insecure),
   * and a {@code type = proxy} check that the VRRP instance tracks with weight 0, so that a node
   * whose proxy cannot serve does not hold the VIP.
   */
  private String proxyConfig() {
    StringBuilder servers = new StringBuilder();
    for (int i : apiServers.keySet()) {
      servers
          .append(servers.length() == 0 ? "" : ",\n")
          .append("    { name = n")
          .append(i)
          .append(", address = \"")
          .append(DemoLan.address(i))
          .append(':')
          .append(APISERVER_PORT)
          .append("\" }");
    }
    return "proxy.frontends = [ { name = apiserver, bind = \"0.0.0.0:"
        + PROXY_PORT
        + "\", backend = apiserver } ]\n"
        + "proxy.backends.apiserver {\n  balance = roundrobin\n  servers = [\n"
        + servers
        // Relaxed timings: nine TLS checks (3 vipd x 3 servers) share a small machine with six
        // JVMs; a tight timeout there made healthy servers flap and the VIP with them.
        + "\n  ]\n  check { type = https, path = /readyz, insecure = true, interval = 1s,"
        + " timeout = 2s, fall = 3, rise = 1 }\n}\n"
        + "checks.proxy-ready { type = proxy, backend = apiserver, min-servers-up = 1 }\n";
  }

  /** Starts node {@code i}'s stand-in apiserver ({@link DemoApiServer}); returns at once. */
  DemoNode startApiServer(int node, Path keystore, Path passwordFile) throws DemoFailure {
    DemoNode n =
        DemoNode.startJava(
            node,
            lan.namespace(node),
            dir.resolve("apiserver-" + node + ".log"),
            List.of(
                DemoApiServer.class.getName(),
                Integer.toString(APISERVER_PORT),
                "n" + node,
                keystore.toString(),
                passwordFile.toString()),
            "the apiserver");
    apiServers.put(node, n);
    cleanup.add(n::close);
    return n;
  }

  DemoNode apiServer(int node) {
    return apiServers.get(node);
  }

  /** Whether the apiservers run and every vipd proxies to them. */
  boolean proxying() {
    return !apiServers.isEmpty();
  }

  DemoNode node(int node) {
    return nodes.get(node);
  }

  Collection<DemoNode> nodes() {
    return nodes.values();
  }

  /** The node that holds the VIP as far as the demo knows, 0 before the first election. */
  int holder() {
    return holder;
  }

  void holder(int node) {
    this.holder = node;
  }

  /** Adds a sentence to the final summary. */
  void summary(String sentence) {
    summary.add(sentence);
  }

  List<String> summary() {
    return List.copyOf(summary);
  }

  /**
   * Waits until a node outside {@code excluded} has the VIP on its interface; returns it. With
   * several such nodes (a split brain) keeps waiting until one remains.
   */
  int awaitHolderOutside(Set<Integer> excluded, Duration timeout) throws DemoFailure {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<Integer> seen;
    do {
      seen = new java.util.TreeSet<>(lan.holders(VIP));
      seen.removeAll(excluded);
      if (seen.size() == 1) {
        return seen.iterator().next();
      }
      Sleep.of(POLL);
    } while (System.nanoTime() < deadline);
    throw new DemoFailure(
        "no single node took the VIP within "
            + timeout.toMillis()
            + " ms (nodes holding it: "
            + lan.holders(VIP)
            + ")");
  }

  /**
   * Waits until a ping from the client address on the bridge gets an answer and the client's
   * neighbour table maps the VIP to {@code node}'s MAC, i.e. traffic for the VIP really goes to
   * that node.
   *
   * @return the other nodes the client's neighbour entry pointed at meanwhile, in order seen
   */
  Set<Integer> awaitReachableAt(int node, Duration timeout) throws DemoFailure {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<Integer> elsewhere = new LinkedHashSet<>();
    do {
      boolean answered = ping(lan.bridgeNamespace());
      int mapped = neighbourNode();
      if (answered && mapped == node) {
        return elsewhere;
      }
      if (mapped != 0 && mapped != node) {
        elsewhere.add(mapped);
      }
      Sleep.of(POLL);
    } while (System.nanoTime() < deadline);
    throw new DemoFailure(
        "the VIP was not reachable at node "
            + node
            + " within "
            + timeout.toMillis()
            + " ms"
            + (elsewhere.isEmpty() ? "" : " (the client was sent to nodes " + elsewhere + ")"));
  }

  /** One ping of the VIP from {@code namespace}, waiting at most 1 s for the reply. */
  boolean ping(String namespace) throws DemoFailure {
    return Commands.run(
                Duration.ofSeconds(5),
                List.of("ip", "netns", "exec", namespace, "ping", "-n", "-c", "1", "-W", "1", VIP))
            .exitCode()
        == 0;
  }

  /** The node whose MAC the client's neighbour table has for the VIP, 0 if none. */
  private int neighbourNode() throws DemoFailure {
    String line = lan.ip(lan.bridgeNamespace(), "neigh", "show", VIP);
    String[] words = line.trim().split("\\s+");
    for (int i = 0; i + 1 < words.length; i++) {
      if (words[i].equals("lladdr")) {
        return lan.nodeWithMac(words[i + 1]);
      }
    }
    return 0;
  }

  /** Milliseconds since {@code startNanos} (a {@link System#nanoTime()} reading). */
  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
