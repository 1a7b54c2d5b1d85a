package io.vipd.daemon.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The demo's stand-in kube-apiserver, run as its own JVM inside a node's namespace:
 *
 * <pre>
 * DemoApiServer PORT NAME KEYSTORE.p12 PASSWORD-FILE
 * </pre>
 *
 * HTTPS on every address of the namespace, with the demo's self-signed PKCS12 key. Every path
 * ({@code /readyz}, {@code /}, ...) answers 200 with {@code NAME via CLIENT-IP}: which apiserver
 * answered and from which address the connection came, i.e. which node's proxy forwarded it. Prints
 * {@link #LISTENING} once it accepts connections; runs until killed.
 */
public final class DemoApiServer {

  /** Printed on standard output once the server accepts connections. */
  public static final String LISTENING = "demo apiserver listening";

  private DemoApiServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: DemoApiServer PORT NAME KEYSTORE PASSWORD-FILE");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String name = args[1];
    char[] password = Files.readString(Path.of(args[3])).trim().toCharArray();
    HttpsServer server = HttpsServer.create(new InetSocketAddress(port), 50);
    server.setHttpsConfigurator(new HttpsConfigurator(sslContext(Path.of(args[2]), password)));
    server.createContext("/", exchange -> answer(exchange, name));
    // The JDK server does each TLS handshake on the thread that runs the exchange: with its
    // default (the dispatcher itself) one slow handshake, e.g. a health check's, would stall all.
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
    System.out.println(LISTENING + " on :" + port + " as " + name);
    System.out.flush();
    new CountDownLatch(1).await(); // until killed
  }

  private static SSLContext sslContext(Path keystore, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static void answer(HttpExchange exchange, String name) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      byte[] body =
          (name + " via " + exchange.getRemoteAddress().getAddress().getHostAddress() + "\n")
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
