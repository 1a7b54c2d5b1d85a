package io.vipd.health.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A client for failover measurements: starts a new {@code GET /readyz} over a new TCP connection
 * and TLS handshake every {@code --period-ms}, whether or not the previous ones finished (at most
 * 64 in flight), each bounded by {@code --timeout-ms}, and prints one line per finished probe:
 * {@code END_EPOCH_NANOS STATUS SERVED_BY} ({@code 000 -} when it failed). The server certificate
 * is not verified (like {@code curl -k}). Stops when {@code --stop-file} appears or after {@code
 * --max-seconds}.
 *
 * <pre>
 * java -cp ... io.vipd.health.testing.ProbeMain --host 10.77.230.100 --port 8443 \
 *     --stop-file /tmp/stop [--period-ms 10] [--timeout-ms 100] [--max-seconds 120]
 * </pre>
 */
public final class ProbeMain {

  private static final int MAX_IN_FLIGHT = 64;

  private ProbeMain() {}

  public static void main(String[] args) throws Exception {
    String host = null;
    int port = 0;
    Path stop = null;
    long periodMs = 10;
    int timeoutMs = 100;
    long maxSeconds = 120;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--host" -> host = args[i + 1];
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--stop-file" -> stop = Path.of(args[i + 1]);
        case "--period-ms" -> periodMs = Long.parseLong(args[i + 1]);
        case "--timeout-ms" -> timeoutMs = Integer.parseInt(args[i + 1]);
        case "--max-seconds" -> maxSeconds = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (host == null || port == 0 || stop == null) {
      throw new IllegalArgumentException("--host, --port and --stop-file are required");
    }
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
    SSLSocketFactory factory = tls.getSocketFactory();
    InetSocketAddress target = new InetSocketAddress(host, port);
    ExecutorService pool = Executors.newCachedThreadPool();
    AtomicInteger inFlight = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    long next = System.nanoTime();
    while (!Files.exists(stop) && System.nanoTime() < deadline) {
      if (inFlight.get() < MAX_IN_FLIGHT) {
        inFlight.incrementAndGet();
        int timeout = timeoutMs;
        pool.execute(
            () -> {
              try {
                String result = probe(factory, target, timeout);
                Instant end = Instant.now();
                long nanos = end.getEpochSecond() * 1_000_000_000L + end.getNano();
                synchronized (System.out) {
                  System.out.println(nanos + " " + result);
                }
              } finally {
                inFlight.decrementAndGet();
              }
            });
      }
      next += TimeUnit.MILLISECONDS.toNanos(periodMs);
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
    }
    pool.shutdown();
    pool.awaitTermination(timeoutMs * 3L, TimeUnit.MILLISECONDS);
    System.out.flush();
    System.exit(0);
  }

  private static String probe(SSLSocketFactory factory, InetSocketAddress target, int timeoutMs) {
    long start = System.nanoTime();
    try (Socket plain = new Socket()) {
      plain.connect(target, timeoutMs);
      plain.setSoTimeout(timeoutMs);
      try (SSLSocket s =
          (SSLSocket) factory.createSocket(plain, target.getHostString(), target.getPort(), true)) {
        s.startHandshake();
        OutputStream out = s.getOutputStream();
        out.write(
            ("GET /readyz HTTP/1.1\r\nHost: "
                    + target.getHostString()
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String status = in.readLine();
        String servedBy = "-";
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          if (line.toLowerCase(Locale.ROOT).startsWith("x-served-by:")) {
            servedBy = line.substring(line.indexOf(':') + 1).trim();
          }
          if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
            return "000 -";
          }
        }
        String[] parts = status == null ? new String[0] : status.split(" ");
        return (parts.length > 1 ? parts[1] : "000") + " " + servedBy;
      }
    } catch (Exception e) {
      return "000 -";
    }
  }

  /** Accepts any server certificate: the measurement is about where the VIP is, not about PKI. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
