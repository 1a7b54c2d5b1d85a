package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.config.ProxyConfig;
import io.vipd.daemon.testing.VipdProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** maxconn against the descriptors the process may open: said at start, when short. */
@Timeout(120)
class DescriptorBudgetTest {

  @TempDir Path dir;

  private ProxyConfig proxy(String maxconns) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path f = dir.resolve("vipd-" + System.nanoTime() + ".conf");
    Files.writeString(f, config(port, maxconns));
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow().proxy();
  }

  private static String config(int front, String maxconns) {
    return "admin.enabled = false\n"
        + "proxy {\n"
        + maxconns
        + "  frontends = [ { name = api, bind = \"127.0.0.1:"
        + front
        + "\", backend = api } ]\n"
        + "  backends.api.servers = [ { name = s1, address = \"127.0.0.1:1\" } ]\n"
        + "  backends.api.check.type = none\n"
        + "}\n";
  }

  @Test
  void twoDescriptorsPerConnectionAndAReserve() throws Exception {
    ProxyConfig p = proxy("  maxconn = 10000\n");
    assertEquals(OptionalLong.of(10000), DescriptorBudget.connections(p));
    assertEquals(Optional.empty(), DescriptorBudget.warning(p, 65536));
    assertEquals(Optional.empty(), DescriptorBudget.warning(p, 20256));
    Optional<String> w = DescriptorBudget.warning(p, 20255);
    assertTrue(w.isPresent());
    assertTrue(w.get().contains("maxconn 10000 needs about 20256 file descriptors"), w.get());
    assertTrue(w.get().contains("beyond about 9999 connections"), w.get());
    assertTrue(DescriptorBudget.warning(p, 1024).orElseThrow().contains("beyond about 384"));
  }

  @Test
  void readsTheProcesssOwnLimit() {
    OptionalLong limit = DescriptorBudget.openFileLimit();
    assertTrue(limit.isPresent() && limit.getAsLong() > 0, "/proc/self/limits: " + limit);
  }

  /** A real vipd under a 1024-descriptor hard limit, with the default maxconn of 10,000. */
  @Test
  void vipdRunSaysSoAtStartWhenTheLimitIsShort() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("short.conf");
    Files.writeString(conf, config(port, ""));
    List<String> cmd = new ArrayList<>(List.of("prlimit", "--nofile=1024:1024", "--"));
    cmd.addAll(VipdProcess.run(conf).command());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      var in = p.getInputStream();
      byte[] buf = new byte[4096];
      while (!out.toString().contains("vipd started") && System.nanoTime() < deadline) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    String log = out.toString();
    assertTrue(log.contains("vipd started"), log);
    assertTrue(
        log.contains("[WARN] vipd.proxy - maxconn 10000 needs about 20256 file descriptors")
            && log.contains("this process may open 1024"),
        log);
    assertFalse(log.contains("Exception"), log);
  }
}
