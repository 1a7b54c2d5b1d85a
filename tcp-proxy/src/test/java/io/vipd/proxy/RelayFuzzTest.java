package io.vipd.proxy;

import static io.vipd.proxy.ProxyHarness.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded randomized scenarios of the epoll relay over real loopback sockets: a client through the
 * proxy and a backend, each with a scripted behaviour (how much it sends, in which chunks and with
 * which pauses, whether and how slowly it reads, whether it half-closes, closes or resets), now and
 * then with the proxy's loop held while both act, so that several events reach it in one epoll
 * batch. For every scenario: what a side receives is a prefix of what the other sent, all of it
 * when the sender ended with a clean FIN and the receiver read to its end (a half-close included:
 * the other side's bytes still all arrive, then the EOF); and the session ends, giving its slots
 * back.
 *
 * <p>Reproduce one scenario of a failure message: {@code -Drelayfuzz.only=SEED:N
 * -Dtest=RelayFuzzTest} runs scenario N of that seed alone.
 */
class RelayFuzzTest {
  private static final int SCENARIOS = 40;

  /** Bounds every wait of a scenario's sides: a scenario normally takes well under a second. */
  private static final int SIDE_WAIT_MS = 6000;

  private final RecordingEvents events = new RecordingEvents();
  private ProxyServer proxy;

  /** Where the proxy's server s1 is: each scenario binds its own backend listener there. */
  private InetSocketAddress backendAddress;

  @AfterEach
  void tearDown() {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {20240611L, 7L, 977L})
  void randomScenariosRelayEveryByteInOrderAndEnd(long seed) throws Exception {
    String only = System.getProperty("relayfuzz.only");
    if (only != null) { // SEED:N, from a failure message
      String[] parts = only.split(":");
      Assumptions.assumeTrue(Long.parseLong(parts[0]) == seed, "reproducing " + only);
      startProxy();
      run(Scenario.generate(seed, Integer.parseInt(parts[1])), 1, new Coverage());
      return;
    }
    startProxy();
    Coverage coverage = new Coverage();
    for (int i = 0; i < SCENARIOS; i++) {
      run(Scenario.generate(seed, i), i + 1, coverage);
    }
    // the scenarios must keep exercising what the assertions are about
    String c = "seed " + seed + ": " + coverage;
    System.out.println(c);
    assertTrue(coverage.exactUp >= 5, c);
    assertTrue(coverage.exactDown >= 5, c);
    assertTrue(coverage.halfCloseOtherKeptSending >= 2, c);
    assertTrue(coverage.held >= 4, c);
    assertTrue(coverage.resets >= 4, c);
  }

  private void startProxy() throws IOException {
    ProxyHarness.require(Epoll.isAvailable(), "epoll");
    try (ServerSocket first =
        backendListener(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0)) {
      backendAddress = (InetSocketAddress) first.getLocalSocketAddress();
    }
    proxy =
        ProxyHarness.startProxy(
            events, new ProxyOptions(1, true, 32 * 1024, 64 * 1024), backendAddress, 1);
    assertTrue(proxy.nativeTransport(), "the epoll relay");
  }

  // ---- one scenario ----

  /**
   * Runs {@code s} as the proxy's {@code nth} session: the backend listener accepts the proxy's
   * connection, both sides run their scripts, and the session must end.
   */
  private void run(Scenario s, int nth, Coverage coverage) throws Exception {
    Socket client = new Socket();
    Socket server = null;
    SideRun c = null;
    SideRun b = null;
    // a session whose client resets before its connect completes never reports one
    int connectedBefore = events.connected.size();
    try (ServerSocket backend = backendListener(backendAddress, s.server.rcvBuf)) {
      client.setSoTimeout(SIDE_WAIT_MS);
      if (s.client.rcvBuf > 0) {
        client.setReceiveBufferSize(s.client.rcvBuf);
      }
      client.connect(proxy.localAddress("fe"), 2000);
      // the session exists, and connects, whatever the client does from now on
      awaitFor(s, "the proxy to accept the client", () -> events.accepted.size() == nth);
      c = new SideRun("client", s.client, client);
      if (s.holdMs == 0) {
        c.start(); // races the proxy's connect to the backend
      }
      server = backend.accept();
      server.setSoTimeout(SIDE_WAIT_MS);
      b = new SideRun("server", s.server, server);
      if (s.holdMs == 0) {
        b.start();
      } else {
        awaitFor(s, "the proxy's connect", () -> events.connected.size() > connectedBefore);
        RelaySession session = proxy.sessions().iterator().next();
        CountDownLatch release = ProxyHarness.holdLoop(session.eventLoop());
        try {
          c.start();
          b.start();
          Thread.sleep(s.holdMs); // data, FINs and resets pile up for one batch
        } finally {
          release.countDown();
        }
      }
      c.join(3 * SIDE_WAIT_MS);
      b.join(3 * SIDE_WAIT_MS);
      if (c.alive() || b.alive()) {
        throw new AssertionError(
            s
                + "\n  stuck: a side did not finish within "
                + 3 * SIDE_WAIT_MS
                + " ms\n"
                + outcome(c, b)
                + "\n  sessions: "
                + describeSessions());
      }
    } finally {
      forceClose(client); // already closed by the sides, but for a failure
      forceClose(server);
    }

    // 1 and 2: bytes exact, in order, and complete where they must be
    checkDirection(s, c, b, coverage);
    checkDirection(s, b, c, coverage);
    if (s.holdMs > 0) {
      coverage.held++;
    }
    if (s.client.end == End.RESET || s.server.end == End.RESET) {
      coverage.resets++;
    }

    // 3: the session ends, and gives its slots back
    SideRun cc = c;
    SideRun bb = b;
    try {
      await(
          "the session's end",
          Duration.ofSeconds(5),
          () ->
              events.closed.size() == nth
                  && !proxy.sessions().iterator().hasNext()
                  && proxy.status().activeConnections() == 0);
    } catch (AssertionError e) {
      throw new AssertionError(
          s
              + "\n  the session did not end within 5 s after both sides closed: closed events "
              + events.closed.size()
              + " of "
              + nth
              + ", active connections "
              + proxy.status().activeConnections()
              + ", sessions "
              + describeSessions()
              + "\n"
              + outcome(cc, bb),
          e);
    }
    RecordingEvents.Closed closed = new ArrayList<>(events.closed).get(nth - 1);
    long serverGot = b.received().length;
    long clientGot = c.received().length;
    assertTrue(
        serverGot <= closed.bytesIn()
            && closed.bytesIn() <= s.client.data.length
            && clientGot <= closed.bytesOut()
            && closed.bytesOut() <= s.server.data.length,
        s + "\n  byte counts do not add up: " + closed + "\n" + outcome(c, b));
  }

  /**
   * Direction {@code from} to {@code to}: always a prefix of what was sent; all of it, then the
   * EOF, when the sender ended with a clean FIN (wrote everything, then shutdownOutput or a close
   * with nothing unread: no reset of any kind) and the receiver read to the end.
   */
  private static void checkDirection(Scenario s, SideRun from, SideRun to, Coverage coverage) {
    String dir = from.name + " -> " + to.name;
    byte[] sent = from.script.data;
    byte[] got = to.received();
    if (got.length > sent.length) {
      fail(s, from, to, dir + ": received " + got.length + " bytes, only " + sent.length + " sent");
    }
    for (int i = 0; i < got.length; i++) {
      if (got[i] != sent[i]) {
        fail(s, from, to, dir + ": byte " + i + " of " + got.length + " received is corrupted");
      }
    }
    if (!to.script.reads) {
      return;
    }
    // a close with bytes unread is a reset, as is SO_LINGER 0: the relay may then drop what it
    // holds (it relays a failed side's bytes as far as the other takes them at once)
    boolean cleanFin =
        from.writeOk
            && from.finSent
            && from.script.end != End.RESET
            && (from.eofBeforeClose || to.script.data.length == 0);
    if (!cleanFin) {
      return;
    }
    if (!to.readerEof) {
      if (to.readEnd == null
          || !to.readEnd.startsWith("closed by itself")
          || to.script.end == End.HALF_CLOSE) {
        // a half-closed receiver waits for the EOF up to SIDE_WAIT_MS: it must come
        fail(
            s,
            from,
            to,
            dir
                + ": the sender ended with a clean FIN, but the receiver's read ended with: "
                + to.readEnd);
      }
      return; // the receiver closed (and so may have reset) before the end arrived
    }
    if (got.length != sent.length) {
      fail(
          s,
          from,
          to,
          dir
              + ": the sender ended with a clean FIN but the receiver saw EOF after "
              + got.length
              + " of "
              + sent.length
              + " bytes");
    }
    if (from.fromClient()) {
      coverage.exactUp++;
    } else {
      coverage.exactDown++;
    }
    // the receiver half-closed first, and the sender still sent after that FIN
    if (to.script.end == End.HALF_CLOSE
        && to.finSent
        && sent.length > 0
        && to.finNanos < from.writeDoneNanos) {
      coverage.halfCloseOtherKeptSending++;
    }
  }

  private static void fail(Scenario s, SideRun from, SideRun to, String what) {
    SideRun c = from.fromClient() ? from : to;
    SideRun b = from.fromClient() ? to : from;
    throw new AssertionError(s + "\n  " + what + "\n" + outcome(c, b));
  }

  private static String outcome(SideRun c, SideRun b) {
    return "  client did: "
        + (c == null ? "-" : c.outcome())
        + "\n  server did: "
        + (b == null ? "-" : b.outcome());
  }

  /**
   * A backend listener on {@code address} (SO_REUSEADDR: the last scenario's connections may still
   * hold the port). A slow reader's SO_RCVBUF is set here, before the connection exists: set on an
   * established connection, a receive window shrunk below the sender's MSS stalls the sender's
   * kernel on its persist timer (seconds), whoever the sender is.
   */
  private static ServerSocket backendListener(InetSocketAddress address, int rcvBuf)
      throws IOException {
    ServerSocket l = new ServerSocket();
    try {
      l.setReuseAddress(true);
      if (rcvBuf > 0) {
        l.setReceiveBufferSize(rcvBuf);
      }
      l.bind(address, 50);
      l.setSoTimeout(5000);
      return l;
    } catch (IOException e) {
      l.close();
      throw e;
    }
  }

  private static void forceClose(Socket s) {
    if (s == null || s.isClosed()) {
      return;
    }
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // gone either way
    }
  }

  private String describeSessions() {
    List<String> out = new ArrayList<>();
    for (RelaySession r : proxy.sessions()) {
      try {
        out.add(r.eventLoop().submit(r::toString).get(2, TimeUnit.SECONDS));
      } catch (Exception e) {
        out.add(String.valueOf(e));
      }
    }
    return out.toString();
  }

  private static void awaitFor(Scenario s, String what, BooleanSupplier cond)
      throws InterruptedException {
    try {
      await(what, Duration.ofSeconds(5), cond);
    } catch (AssertionError e) {
      throw new AssertionError(s + "\n  " + e.getMessage(), e);
    }
  }

  // ---- scripts ----

  /** How a side ends once it has sent everything. */
  enum End {
    /** shutdownOutput, wait for the other side's EOF (reading), then close. */
    HALF_CLOSE,
    /** Close after a short linger: a FIN, or a reset if bytes are left unread. */
    CLOSE,
    /** SO_LINGER 0 and close after a short linger: a reset. */
    RESET
  }

  /** One side's script ({@code reads}, {@code readStallMs}, {@code end}: see backPressure). */
  static final class Side {
    final byte[] data;
    final int maxChunk;

    /** Pause {@code pauseMs} after every {@code pauseEvery} chunks; 0 for no pauses. */
    final int pauseEvery;

    final int pauseMs;
    final int startDelayMs;
    boolean reads;

    int readStallMs;

    /** Reads of at most {@code slowReadMax} bytes with 1 ms sleeps for the first slowMs. */
    final int slowMs;

    final int slowReadMax;

    /** SO_RCVBUF for a slow reader, 0 for the kernel's autotuning. */
    final int rcvBuf;

    End end;
    final int lingerMs;

    private Side(Random r, int size) {
      int[] chunks = {16, 1024, 16 * 1024, 64 * 1024, Integer.MAX_VALUE};
      maxChunk = Math.max(chunks[r.nextInt(chunks.length)], size / 256 + 1);
      int writes = size / maxChunk + 1;
      int every = r.nextInt(3) == 0 ? 1 + r.nextInt(8) : 0;
      pauseMs = 1 + r.nextInt(4);
      // at most about 40 ms of pauses
      pauseEvery = every == 0 ? 0 : Math.max(every, writes * pauseMs / 40 + 1);
      startDelayMs = r.nextInt(4) == 0 ? r.nextInt(30) : 0;
      reads = r.nextInt(7) != 0;
      readStallMs = reads && r.nextInt(4) == 0 ? 20 + r.nextInt(100) : 0;
      slowMs = reads && r.nextInt(4) == 0 ? 20 + r.nextInt(80) : 0;
      slowReadMax = 1 + r.nextInt(2048);
      rcvBuf = (slowMs > 0 || readStallMs > 0) && r.nextBoolean() ? 4096 << r.nextInt(4) : 0;
      int e = r.nextInt(8);
      end = e < 5 ? End.HALF_CLOSE : e < 6 ? End.CLOSE : End.RESET;
      lingerMs = r.nextInt(40);
      data = new byte[size]; // last: the choices above do not depend on the size's draws
      r.nextBytes(data);
    }

    /**
     * Nothing, a few bytes, up to 128 KiB, up to 1 MiB, or now and then 4 to 8 MiB: loopback's
     * kernel buffers take a whole MiB even towards a reader with a small SO_RCVBUF that does not
     * read (the proxy's send buffer grows to 4 MiB), so only more than that makes the relay itself
     * hold a buffer and wait for EPOLLOUT.
     */
    static int size(Random r) {
      switch (r.nextInt(12)) {
        case 0:
        case 1:
          return 0;
        case 2:
        case 3:
        case 4:
          return 1 + r.nextInt(2000);
        case 5:
        case 6:
        case 7:
          return 2000 + r.nextInt(126_000);
        case 8:
        case 9:
        case 10:
          return 128 * 1024 + r.nextInt(896 * 1024 + 1);
        default:
          return (4 << 20) + r.nextInt((4 << 20) + 1);
      }
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      b.append("send ").append(data.length).append(" B");
      if (data.length > 0) {
        b.append(" in chunks <= ").append(maxChunk == Integer.MAX_VALUE ? "all" : maxChunk);
        if (pauseEvery > 0) {
          b.append(", ").append(pauseMs).append(" ms pause every ").append(pauseEvery);
        }
      }
      if (startDelayMs > 0) {
        b.append(", after ").append(startDelayMs).append(" ms");
      }
      if (reads) {
        b.append("; reads");
        if (readStallMs > 0) {
          b.append(" after a ").append(readStallMs).append(" ms stall");
        }
        if (slowMs > 0) {
          b.append(", slowly (<= ")
              .append(slowReadMax)
              .append(" B, 1 ms apart) for ")
              .append(slowMs)
              .append(" ms");
        }
        if (rcvBuf > 0) {
          b.append(", SO_RCVBUF ").append(rcvBuf);
        }
      } else {
        b.append("; never reads");
      }
      b.append("; then ").append(end);
      if (end != End.HALF_CLOSE || !reads) {
        b.append(" after ").append(lingerMs).append(" ms");
      }
      return b.toString();
    }
  }

  /** Both sides' scripts, and whether the proxy's loop is held while they start. */
  static final class Scenario {
    final long seed;
    final int index;
    final Side client;
    final Side server;

    /** The proxy's loop is held this long while both sides act; 0 for not held. */
    final int holdMs;

    private Scenario(long seed, int index, Side client, Side server, int holdMs) {
      this.seed = seed;
      this.index = index;
      this.client = client;
      this.server = server;
      this.holdMs = holdMs;
    }

    static Scenario generate(long seed, int index) {
      Random r = new Random(seed * 1_000_003L + index);
      int clientSize = Side.size(r);
      int serverSize = Side.size(r);
      long clientSeed = r.nextLong();
      long serverSeed = r.nextLong();
      Side client = new Side(new Random(clientSeed), clientSize);
      Side server = new Side(new Random(serverSeed), serverSize);
      if (!client.reads && !server.reads) {
        // neither reads: both writers could block for good on more than the buffers hold (the
        // same choices otherwise: they come before the data's draws)
        client = new Side(new Random(clientSeed), Math.min(clientSize, 16 * 1024));
        server = new Side(new Random(serverSeed), Math.min(serverSize, 16 * 1024));
      }
      backPressure(r, server, client);
      backPressure(r, client, server);
      int holdMs = r.nextInt(5) == 0 ? 20 + r.nextInt(130) : 0;
      return new Scenario(seed, index, client, server, holdMs);
    }

    /**
     * Mostly, a bulk sender's reader stalls before it reads, so that the relay holds a buffer and
     * waits for EPOLLOUT (also after the sender's FIN, its last event), and both sides end cleanly
     * (read, half-close), so that the bulk's completeness is checked.
     */
    private static void backPressure(Random r, Side sender, Side reader) {
      if (sender.data.length >= 4 << 20 && r.nextInt(4) != 0) {
        reader.reads = true;
        reader.readStallMs = Math.max(reader.readStallMs, 60 + r.nextInt(100));
        reader.end = End.HALF_CLOSE;
        sender.reads = true;
        sender.end = End.HALF_CLOSE;
      }
    }

    @Override
    public String toString() {
      return "seed "
          + seed
          + " scenario "
          + index
          + " (alone: -Drelayfuzz.only="
          + seed
          + ":"
          + index
          + " -Dtest=RelayFuzzTest)"
          + (holdMs > 0 ? ", the proxy's loop held " + holdMs + " ms while both sides act" : "")
          + "\n  client: "
          + client
          + "\n  server: "
          + server;
    }
  }

  // ---- running a side ----

  /** A side's script on its socket: a writer (which then ends the side) and a reader thread. */
  private static final class SideRun {
    final String name;
    final Side script;
    final Socket socket;
    private final Thread main;
    private final Thread reader;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    volatile boolean writeOk;
    volatile String writeError;
    volatile long writeDoneNanos = Long.MAX_VALUE;
    volatile boolean finSent;
    volatile long finNanos = Long.MAX_VALUE;
    volatile boolean closing;
    volatile boolean readerEof;
    volatile String readEnd;
    volatile boolean eofBeforeClose;

    SideRun(String name, Side script, Socket socket) {
      this.name = name;
      this.script = script;
      this.socket = socket;
      this.main = new Thread(this::runMain, "fuzz-" + name);
      this.reader = script.reads ? new Thread(this::runReader, "fuzz-" + name + "-reader") : null;
      main.setDaemon(true);
      if (reader != null) {
        reader.setDaemon(true);
      }
    }

    boolean fromClient() {
      return name.equals("client");
    }

    void start() {
      if (reader != null) {
        reader.start();
      }
      main.start();
    }

    void join(long millis) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      main.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (reader != null) {
        reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    }

    boolean alive() {
      return main.isAlive() || (reader != null && reader.isAlive());
    }

    byte[] received() {
      synchronized (received) {
        return received.toByteArray();
      }
    }

    private void runMain() {
      try {
        sleep(script.startDelayMs);
        OutputStream out = socket.getOutputStream();
        byte[] data = script.data;
        try {
          int chunks = 0;
          for (int at = 0; at < data.length; ) {
            int n = Math.min(script.maxChunk, data.length - at);
            out.write(data, at, n);
            at += n;
            if (script.pauseEvery > 0 && ++chunks % script.pauseEvery == 0) {
              sleep(script.pauseMs);
            }
          }
          writeOk = true;
          writeDoneNanos = System.nanoTime();
        } catch (IOException e) {
          writeError = e.toString();
        }
        if (writeOk && script.end == End.HALF_CLOSE) {
          try {
            finNanos = System.nanoTime();
            socket.shutdownOutput();
            finSent = true;
          } catch (IOException e) {
            writeError = "shutdownOutput: " + e;
          }
        }
        if (reader != null) {
          reader.join(script.end == End.HALF_CLOSE ? SIDE_WAIT_MS : script.lingerMs + 1);
        } else {
          sleep(script.lingerMs);
        }
        eofBeforeClose = readerEof;
        closing = true;
        if (script.end == End.RESET) {
          socket.setSoLinger(true, 0);
        } else if (writeOk && script.end == End.CLOSE) {
          finSent = true; // the close's FIN (a reset instead if bytes are left unread)
          finNanos = System.nanoTime();
        }
        socket.close();
      } catch (IOException | InterruptedException e) {
        writeError = (writeError == null ? "" : writeError + "; ") + "ending: " + e;
      }
    }

    private void runReader() {
      try {
        sleep(script.readStallMs);
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long slowUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(script.slowMs);
        for (; ; ) {
          boolean slow = script.slowMs > 0 && System.nanoTime() - slowUntil < 0;
          int n = in.read(buf, 0, slow ? script.slowReadMax : buf.length);
          if (n < 0) {
            readerEof = true;
            readEnd = "EOF";
            return;
          }
          synchronized (received) {
            received.write(buf, 0, n);
          }
          if (slow) {
            sleep(1);
          }
        }
      } catch (IOException | InterruptedException e) {
        readEnd = (closing ? "closed by itself: " : "") + e;
      }
    }

    String outcome() {
      return (writeOk ? "wrote all " + script.data.length + " B" : "write failed: " + writeError)
          + (finSent ? ", FIN" : "")
          + (script.end == End.RESET ? ", reset" : "")
          + "; read "
          + received().length
          + " B"
          + (script.reads ? ", read ended with: " + readEnd : " (never reads)");
    }

    private static void sleep(int ms) throws InterruptedException {
      if (ms > 0) {
        Thread.sleep(ms);
      }
    }
  }

  private static final class Coverage {
    int exactUp;
    int exactDown;
    int halfCloseOtherKeptSending;
    int held;
    int resets;

    @Override
    public String toString() {
      return "exact client->server "
          + exactUp
          + ", exact server->client "
          + exactDown
          + ", half-closed side got all the other sent after its FIN "
          + halfCloseOtherKeptSending
          + ", loop held "
          + held
          + ", with a reset "
          + resets;
    }
  }
}
