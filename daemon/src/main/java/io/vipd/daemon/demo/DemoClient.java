package io.vipd.daemon.demo;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The demo's client, run as its own JVM in the bridge namespace:
 *
 * <pre>
 * DemoClient URL COUNT WAIT-MS
 * </pre>
 *
 * Sends {@code COUNT} HTTPS GETs to {@code URL}, each on a new connection (a new client), so that
 * the proxy balances each one; prints one line per request, {@code answer BODY} or {@code failed
 * REASON}. Until the first answer, failures are retried for up to {@code WAIT-MS} (the proxy's
 * server checks may not have passed yet) and not printed. Trusts any certificate: the demo's
 * apiservers use a throwaway self-signed one.
 */
public final class DemoClient {

  private DemoClient() {}

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    int count = Integer.parseInt(args[1]);
    long waitUntil = System.nanoTime() + Duration.ofMillis(Long.parseLong(args[2])).toNanos();
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new X509ExtendedTrustManager[] {new TrustAll()}, new SecureRandom());
    boolean answered = false;
    int sent = 0;
    while (sent < count) {
      String line = get(tls, url);
      if (line.startsWith("answer ")) {
        answered = true;
      } else if (!answered && System.nanoTime() < waitUntil) {
        Thread.sleep(100);
        continue;
      }
      System.out.println(line);
      sent++;
    }
  }

  private static String get(SSLContext tls, URI url) {
    HttpClient client =
        HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200
          ? "answer " + r.body().trim()
          : "failed status " + r.statusCode();
    } catch (java.io.IOException e) {
      return "failed " + e.getClass().getSimpleName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "failed interrupted";
    }
  }

  /** Accepts every server certificate (demo only: the certificate is made for this run). */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
