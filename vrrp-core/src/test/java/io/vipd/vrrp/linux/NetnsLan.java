package io.vipd.vrrp.linux;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A LAN of network namespaces for tests: one namespace holding bridge {@code br0}, and nodes 1..N,
 * each with an interface {@code eth0} joined to the bridge by a veth pair.
 *
 * <p>Node {@code i} has MAC {@code 02:77:<lan>:00:00:<10+i>} (hex), addresses {@code
 * 10.77.<lan>.<10+i>/24}, {@code fd77:<lan>::<10+i>/64} and the EUI-64 link-local address of its
 * MAC, all usable at once (no duplicate address detection). Namespace names carry a random prefix
 * so that parallel runs do not clash; lan numbers keep the addresses apart in logs (vrrp-core's
 * adapter tests use 200-249).
 *
 * <p>{@link #close()} kills every process started through this object and deletes every namespace
 * (which deletes the links inside); a JVM shutdown hook does the same if a test never gets there.
 * Requires root; guard tests with {@link NetnsRequirement#require()}.
 */
public final class NetnsLan implements AutoCloseable {

  /** The node's interface name, the same in every node namespace. */
  public static final String INTERFACE = "eth0";

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

  private final int lan;
  private final int nodes;
  private final String prefix;
  private final List<String> namespaces = Collections.synchronizedList(new ArrayList<>());
  private final List<Background> processes = Collections.synchronizedList(new ArrayList<>());
  private final Thread shutdownHook;
  private boolean closed;

  private NetnsLan(int lan, int nodes) {
    this.lan = lan;
    this.nodes = nodes;
    byte[] random = new byte[3];
    new SecureRandom().nextBytes(random);
    this.prefix = "vipd" + HexFormat.of().formatHex(random);
    this.shutdownHook = new Thread(this::cleanUp, "netns-lan-cleanup-" + prefix);
  }

  /**
   * Creates the LAN.
   *
   * @param lan third octet / second group of the addresses, 0..255
   * @param nodes number of nodes, 1..200
   */
  public static NetnsLan create(int lan, int nodes) throws IOException {
    if (lan < 0 || lan > 255 || nodes < 1 || nodes > 200) {
      throw new IllegalArgumentException("lan 0..255, nodes 1..200");
    }
    NetnsLan l = new NetnsLan(lan, nodes);
    Runtime.getRuntime().addShutdownHook(l.shutdownHook);
    try {
      l.build();
    } catch (IOException | RuntimeException e) {
      l.close();
      throw e;
    }
    return l;
  }

  private void build() throws IOException {
    String br = bridgeNamespace();
    addNamespace(br);
    ip(br, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
    ip(br, "link", "set", "br0", "up");
    for (int i = 1; i <= nodes; i++) {
      String ns = namespace(i);
      addNamespace(ns);
      ip(ns, "link", "set", "lo", "up");
      ip(br, "link", "add", "p" + i, "type", "veth", "peer", "name", INTERFACE, "netns", ns);
      ip(br, "link", "set", "p" + i, "master", "br0", "up");
      // Our own link-local address instead of the kernel's, so that it is usable at once.
      ip(ns, "link", "set", INTERFACE, "address", macText(i), "addrgenmode", "none");
      ip(ns, "link", "set", INTERFACE, "up");
      ip(ns, "addr", "add", ipv4(i).getHostAddress() + "/24", "dev", INTERFACE);
      ip(ns, "addr", "add", ipv6(i).getHostAddress() + "/64", "dev", INTERFACE, "nodad");
      ip(ns, "addr", "add", linkLocal(i).getHostAddress() + "/64", "dev", INTERFACE, "nodad");
    }
  }

  /** The lan number given at creation. */
  public int lan() {
    return lan;
  }

  /** Number of nodes. */
  public int nodes() {
    return nodes;
  }

  /** The namespace holding the bridge. */
  public String bridgeNamespace() {
    return prefix + "-br";
  }

  /** The namespace of node {@code i} (1-based). */
  public String namespace(int node) {
    checkNode(node);
    return prefix + "-n" + node;
  }

  /** The name of the bridge-side veth end of node {@code i}, in {@link #bridgeNamespace()}. */
  public String bridgePort(int node) {
    checkNode(node);
    return "p" + node;
  }

  /** 10.77.lan.(10+i). */
  public Inet4Address ipv4(int node) {
    checkNode(node);
    return (Inet4Address) parse("10.77." + lan + "." + (10 + node));
  }

  /** fd77:lan::(10+i), written in decimal digits as hex groups (fd77:200::11 for lan 200). */
  public Inet6Address ipv6(int node) {
    checkNode(node);
    return (Inet6Address) parse("fd77:" + lan + "::" + (10 + node));
  }

  /** An IPv4 address of the LAN that no node uses, e.g. for a VIP: 10.77.lan.(100+k). */
  public Inet4Address spareIpv4(int k) {
    return (Inet4Address) parse("10.77." + lan + "." + (100 + k));
  }

  /** An IPv6 address of the LAN that no node uses: fd77:lan::(100+k). */
  public Inet6Address spareIpv6(int k) {
    return (Inet6Address) parse("fd77:" + lan + "::" + (100 + k));
  }

  /** The MAC of node {@code i}: 02:77:lan:00:00:(10+i). */
  public byte[] mac(int node) {
    checkNode(node);
    return new byte[] {0x02, 0x77, (byte) lan, 0, 0, (byte) (10 + node)};
  }

  /** The EUI-64 link-local address of node {@code i}'s MAC (RFC 4291 appendix A). */
  public Inet6Address linkLocal(int node) {
    byte[] m = mac(node);
    byte[] a = new byte[16];
    a[0] = (byte) 0xfe;
    a[1] = (byte) 0x80;
    a[8] = (byte) (m[0] ^ 0x02);
    a[9] = m[1];
    a[10] = m[2];
    a[11] = (byte) 0xff;
    a[12] = (byte) 0xfe;
    a[13] = m[3];
    a[14] = m[4];
    a[15] = m[5];
    try {
      return (Inet6Address) InetAddress.getByAddress(a);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs {@code action} on a thread inside node {@code i}'s namespace (setns); sockets it opens
   * stay in that namespace. See {@link NetnsThreads} for the caveat about the JDK.
   */
  public <T> T inNode(int node, Callable<T> action) throws Exception {
    return NetnsThreads.call(namespace(node), action);
  }

  /** Runs a command in node {@code i} and waits for it (at most 20 s). */
  public ExecResult exec(int node, String... command) throws IOException {
    return execIn(namespace(node), command);
  }

  /** Runs a command in any namespace of this LAN and waits for it (at most 20 s). */
  public ExecResult execIn(String namespace, String... command) throws IOException {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    argv.addAll(List.of(command));
    return run(argv);
  }

  /** Runs {@code ip -n <namespace> args...}, failing with its stderr when it fails. */
  public String ip(String namespace, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("ip", "-n", namespace));
    argv.addAll(List.of(args));
    ExecResult r = run(argv);
    if (r.exitCode() != 0) {
      throw new IOException(String.join(" ", argv) + " failed: " + r.stderr().trim());
    }
    return r.stdout();
  }

  /**
   * Starts a command in node {@code i} in the background, stdout and stderr captured to files.
   * Stopped by {@link Background#close()} or at the latest by {@link #close()}.
   */
  public Background start(int node, String... command) throws IOException {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node)));
    argv.addAll(List.of(command));
    Background b = Background.start(argv);
    processes.add(b);
    return b;
  }

  /**
   * The command that starts a JVM running {@code mainClass} with this JVM's test classpath, for
   * {@link #start} or {@link #exec}.
   */
  public static String[] javaCommand(String mainClass, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp"));
    argv.add(System.getProperty("java.class.path"));
    argv.add(mainClass);
    argv.addAll(List.of(args));
    return argv.toArray(String[]::new);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    cleanUp();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or has run; nothing left to do.
    }
  }

  private void cleanUp() {
    synchronized (processes) {
      for (Background b : processes) {
        b.close();
      }
      processes.clear();
    }
    synchronized (namespaces) {
      for (int i = namespaces.size() - 1; i >= 0; i--) {
        String ns = namespaces.get(i);
        try {
          ExecResult r = run(List.of("ip", "netns", "del", ns));
          if (r.exitCode() != 0 && Files.exists(Path.of("/run/netns", ns))) {
            System.err.println("NetnsLan: could not delete " + ns + ": " + r.stderr());
          }
        } catch (IOException e) {
          System.err.println("NetnsLan: could not delete " + ns + ": " + e);
        }
      }
      namespaces.clear();
    }
  }

  private void addNamespace(String ns) throws IOException {
    ExecResult r = run(List.of("ip", "netns", "add", ns));
    if (r.exitCode() != 0) {
      throw new IOException("ip netns add " + ns + " failed: " + r.stderr().trim());
    }
    namespaces.add(ns);
  }

  private String macText(int node) {
    return HexFormat.ofDelimiter(":").formatHex(mac(node));
  }

  private void checkNode(int node) {
    if (node < 1 || node > nodes) {
      throw new IllegalArgumentException("node " + node + " not in 1.." + nodes);
    }
  }

  private static InetAddress parse(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private static ExecResult run(List<String> argv) throws IOException {
    Path out = Files.createTempFile("netns-out", ".txt");
    Path err = Files.createTempFile("netns-err", ".txt");
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", argv) + " did not finish in " + COMMAND_TIMEOUT);
      }
      return new ExecResult(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running " + argv, e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The outcome of a finished command. */
  public record ExecResult(int exitCode, String stdout, String stderr) {

    /** Fails with the command's output unless it exited 0; returns stdout. */
    public String orThrow() throws IOException {
      if (exitCode != 0) {
        throw new IOException("exit " + exitCode + ": " + stderr + stdout);
      }
      return stdout;
    }
  }
}
