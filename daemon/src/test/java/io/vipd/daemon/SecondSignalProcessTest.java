package io.vipd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.testing.ProcessLines;
import io.vipd.daemon.testing.VipdProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code vipd run}: SIGTERM starts the stop, whose drain waits for an established connection
 * up to {@code drain-grace} (25 s here); a second SIGTERM ends the drain at once, closes the
 * connection and vipd exits 0.
 */
@Timeout(120)
class SecondSignalProcessTest {

  @TempDir Path dir;

  @Test
  void aSecondSigtermEndsTheDrainAtOnce() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int front;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        front = s.getLocalPort();
      }
      Path conf = dir.resolve("vipd.conf");
      Files.writeString(
          conf,
          "admin.enabled = false\n"
              + "proxy {\n"
              + "  drain-grace = 25s\n"
              + "  frontends = [ { name = api, bind = \"127.0.0.1:"
              + front
              + "\", backend = a } ]\n"
              + "  backends.a {\n"
              + "    check.type = none\n"
              + "    servers = [ { name = s1, address = \"127.0.0.1:"
              + backend.getLocalPort()
              + "\" } ]\n"
              + "  }\n"
              + "}\n");
      Process p = VipdProcess.run(conf).start();
      ProcessLines log = ProcessLines.of(p);
      try {
        log.await("vipd started");
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), front);
            Socket held = backend.accept()) {
          client.getOutputStream().write('x');
          assertEquals('x', held.getInputStream().read(), "relayed");

          p.toHandle().destroy(); // SIGTERM: the stop begins, and drains the connection
          log.await("vipd stopping");
          Thread.sleep(1000);
          assertTrue(p.isAlive(), "draining for up to 25 s: " + log);

          p.toHandle().destroy(); // the second SIGTERM
          // well before the 25 s grace: without the second signal it would still drain
          assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the drain did not end: " + log);
          assertEquals(0, p.exitValue(), log.toString());
          client.setSoTimeout(5000);
          assertEquals(-1, client.getInputStream().read(), "the client's connection is closed");
          log.join();
          assertEquals(1, log.count("the drain ends now"), log.toString());
        }
      } finally {
        p.destroyForcibly();
      }
    }
  }
}
