package io.vipd.health.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The {@link ApiServerFixture} as a process of its own, so that a test or a benchmark can run one
 * stand-in kube-apiserver per node inside that node's network namespace (loopback is per namespace,
 * so every node has its own {@code 127.0.0.1:6443}).
 *
 * <pre>
 * java -cp ... io.vipd.health.testing.ApiServerMain --bind 127.0.0.1:6443 \
 *     [--down-file /tmp/n1.down] [--name n1] [--plain]
 * </pre>
 *
 * <p>While the {@code --down-file} exists, {@code /readyz}, {@code /healthz} and {@code /livez}
 * answer 500; the file is looked at on every request, so readiness flips the moment the file is
 * created or removed (no polling delay). {@code --name} is sent back in the {@value
 * ApiServerFixture#SERVED_BY} header. Prints {@code apiserver stand-in listening on ADDRESS} once
 * it accepts connections, then serves until killed (SIGTERM closes it and deletes its
 * certificates).
 */
public final class ApiServerMain {

  /** Printed on standard output once the server accepts connections. */
  public static final String LISTENING = "apiserver stand-in listening on ";

  private ApiServerMain() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress bind = null;
    Path downFile = null;
    String name = null;
    boolean plain = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bind" -> bind = parse(value(args, ++i));
        case "--down-file" -> downFile = Path.of(value(args, ++i));
        case "--name" -> name = value(args, ++i);
        case "--plain" -> plain = true;
        default -> usage("unknown argument " + args[i]);
      }
    }
    if (bind == null) {
      usage("--bind is required");
    }
    ApiServerFixture.Builder builder = ApiServerFixture.builder().bind(bind);
    if (plain) {
      builder.plainHttp();
    }
    if (downFile != null) {
      Path file = downFile;
      builder.readiness(() -> !Files.exists(file));
    }
    if (name != null) {
      builder.servedBy(name);
    }
    ApiServerFixture server = builder.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "apiserver-stop"));
    System.out.println(LISTENING + server.address());
    System.out.flush();
    stopped.await();
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      usage(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      usage("--bind wants HOST:PORT, got " + hostPort);
    }
    String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
    try {
      return new InetSocketAddress(
          InetAddress.getByName(host), Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (UnknownHostException | NumberFormatException e) {
      usage("bad --bind " + hostPort + ": " + e.getMessage());
      return null;
    }
  }

  private static void usage(String problem) {
    System.err.println(
        "ApiServerMain: "
            + problem
            + "\nusage: ApiServerMain --bind HOST:PORT [--down-file PATH] [--name NAME] [--plain]");
    System.exit(2);
  }
}
