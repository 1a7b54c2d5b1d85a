package io.vipd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.VipCluster;
import io.vipd.vrrp.linux.NetnsLan;
import io.vipd.vrrp.linux.NetnsRequirement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runtime operations on running vipd processes in network namespaces, driven through the {@code
 * vipd server} and {@code vipd vrrp} commands run inside the node (admin API on the node's
 * loopback): drain a server (no new connections to it, an established one relays on), enable it,
 * and hand the VIP over for maintenance and take it back.
 */
@Tag("netns")
@Timeout(120)
class RuntimeOperationsNetnsTest {

  private static final int LAN = 240;

  @BeforeAll
  static void requireNamespaces() {
    NetnsRequirement.require("ip");
  }

  private static String config(int priority, String vip, String serverHost) {
    return "admin { enabled = true, bind = \"127.0.0.1:9188\" }\n"
        + "proxy.frontends = [ { name = fe, bind = \"0.0.0.0:8443\", backend = be } ]\n"
        + "proxy.backends.be { servers = [ { name = a, address = \""
        + serverHost
        + ":7001\" }, { name = b, address = \""
        + serverHost
        + ":7002\" } ], check { type = tcp, interval = 200ms, rise = 1, fall = 1 } }\n"
        + "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 51,"
        + " priority = "
        + priority
        + ", advert-interval = 100ms, virtual-ips = [\""
        + vip
        + "/24\"] } ]\n";
  }

  @Test
  void drainEnableAndMaintenanceHandoverOnRunningDaemons() throws Exception {
    try (VipCluster c = new VipCluster(LAN, 2);
        Greeters servers = new Greeters()) {
      NetnsLan lan = c.lan();
      String host = lan.ipv4(2).getHostAddress();
      // The backend servers live in node 2; node 1's proxy reaches them over the LAN.
      lan.inNode(2, () -> servers.start(host, 7001, "a") && servers.start(host, 7002, "b"));
      String vip = c.vip(1);
      c.startVipd(1, config(150, vip, host));
      c.startVipd(2, config(100, vip, host));
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(10));

      // --- drain: no new connections to a, the established one goes on ---
      Socket held = null;
      for (int i = 0; i < 4 && held == null; i++) {
        Socket s = lan.inNode(1, () -> open(lan));
        if (readLine(s).equals("a")) {
          held = s;
        } else {
          s.close();
        }
      }
      assertTrue(held != null, "round-robin reached a");
      try (Socket toA = held) {
        String drained = vipd(lan, "server", "drain", "be/a");
        assertTrue(drained.startsWith("server be/a: ready -> drain"), drained);
        int servedByA = servers.served("a");
        // longer than a check interval: the passing check must not undo the drain
        Thread.sleep(600);
        for (int i = 0; i < 6; i++) {
          try (Socket s = lan.inNode(1, () -> open(lan))) {
            assertEquals("b", readLine(s), "new connection " + i + " while a is drained");
            assertEquals("probe " + i, roundTrip(s, "probe " + i));
          }
        }
        assertEquals(servedByA, servers.served("a"), "a served no new client");
        assertEquals("still here", roundTrip(toA, "still here"), "established session relays");
        String status = vipd(lan, "status");
        assertTrue(status.matches("(?s).*\\nbe/a\\s+UP DRAIN\\s.*"), status);

        vipd(lan, "server", "enable", "be/a");
        boolean reachedA = false;
        for (int i = 0; i < 4 && !reachedA; i++) {
          try (Socket s = lan.inNode(1, () -> open(lan))) {
            reachedA = readLine(s).equals("a");
          }
        }
        assertTrue(reachedA, "enabled again: a takes new connections");
        assertEquals("and on", roundTrip(toA, "and on"));
      }

      // --- maintenance handover: node 1 (priority 150) gives the VIP away and stays backup ---
      String handover = vipd(lan, "vrrp", "handover", "VI_1", "--wait", "10s");
      assertTrue(handover.contains(host + " is master"), handover);
      c.awaitHolders(vip, Set.of(2), Duration.ofSeconds(2));
      c.assertStable(vip, Set.of(2), Duration.ofMillis(1500));
      String status = vipd(lan, "status");
      assertTrue(status.contains("BACKUP (maintenance: held as backup)"), status);

      vipd(lan, "vrrp", "release", "VI_1");
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(3));

      // --- no other node to take over: the handover says so, and the node stays in maintenance ---
      c.node(2).process().destroy();
      c.node(2).awaitExit(Duration.ofSeconds(10));
      NetnsLan.ExecResult alone =
          lan.exec(
              1,
              NetnsLan.javaCommand(
                  "io.vipd.daemon.Main", "vrrp", "handover", "VI_1", "--wait", "1s"));
      assertEquals(1, alone.exitCode(), alone.stdout() + alone.stderr());
      assertTrue(
          alone.stderr().contains("no other node became master of VI_1")
              && alone.stderr().contains("stays in maintenance"),
          alone.stderr());
      c.assertStable(vip, Set.of(), Duration.ofMillis(800));
      vipd(lan, "vrrp", "release", "VI_1");
      c.awaitHolders(vip, Set.of(1), Duration.ofSeconds(3));
    }
  }

  /** Runs {@code vipd ARGS} inside node 1; returns its stdout, failing with its output if not 0. */
  private static String vipd(NetnsLan lan, String... args) throws IOException {
    NetnsLan.ExecResult r = lan.exec(1, NetnsLan.javaCommand("io.vipd.daemon.Main", args));
    assertEquals(
        0, r.exitCode(), "vipd " + String.join(" ", args) + ":\n" + r.stdout() + r.stderr());
    return r.stdout();
  }

  private static Socket open(NetnsLan lan) throws IOException {
    Socket s = new Socket();
    s.setSoTimeout(5000);
    s.connect(new InetSocketAddress("127.0.0.1", 8443), 2000);
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    s.getOutputStream().write((text + "\n").getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return readLine(s);
  }

  private static String readLine(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int i = 0; i < 1024; i++) {
      int b = in.read();
      if (b < 0 || b == '\n') {
        return line.toString(StandardCharsets.US_ASCII);
      }
      line.write(b);
    }
    throw new IOException("line too long");
  }

  /**
   * Servers that say their name on connect, then echo lines; count the connections that sent data
   * (clients through the proxy do, the proxies' TCP checks do not).
   */
  private static final class Greeters implements AutoCloseable {
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final List<Socket> accepted = new ArrayList<>();
    private final java.util.Map<String, AtomicInteger> counts =
        new java.util.concurrent.ConcurrentHashMap<>();

    /** Binds in the calling thread's namespace and serves on a daemon thread. */
    synchronized boolean start(String host, int port, String name) throws IOException {
      ServerSocket ss = new ServerSocket();
      ss.bind(new InetSocketAddress(host, port), 50);
      listeners.add(ss);
      AtomicInteger count = counts.computeIfAbsent(name, n -> new AtomicInteger());
      Thread t =
          new Thread(
              () -> {
                while (!ss.isClosed()) {
                  try {
                    Socket s = ss.accept();
                    keep(s);
                    serve(s, name, count);
                  } catch (IOException e) {
                    return; // closed at the end of the test
                  }
                }
              },
              "greeter-" + name);
      t.setDaemon(true);
      t.start();
      return true;
    }

    int served(String name) {
      return counts.get(name).get();
    }

    private synchronized void keep(Socket s) {
      accepted.add(s);
    }

    private static void serve(Socket s, String name, AtomicInteger served) {
      Thread t =
          new Thread(
              () -> {
                try (s) {
                  OutputStream out = s.getOutputStream();
                  out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  byte[] buf = new byte[1024];
                  boolean counted = false;
                  for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
                    if (!counted && n > 0) {
                      counted = true;
                      served.incrementAndGet();
                    }
                    out.write(buf, 0, n);
                    out.flush();
                  }
                } catch (IOException e) {
                  // the client or the check went away
                }
              },
              "greeter-" + name + "-conn");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public synchronized void close() throws IOException {
      for (ServerSocket ss : listeners) {
        ss.close();
      }
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
