package io.vipd.daemon.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.LoadResult;
import io.vipd.daemon.config.ProxyConfig;
import io.vipd.daemon.health.CheckFactory;
import io.vipd.health.check.CheckExecutors;
import io.vipd.proxy.ProxyEvents;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ProxyService} as the daemon runs it, with the check loops it needs, for the tests of
 * this package: started from a configuration's text or object, stopped with its loops on {@link
 * #close}.
 */
final class ProxyUnderTest implements AutoCloseable {

  final EventLoopGroup loops;
  final ScheduledExecutorService blocking;
  final CheckFactory factory;
  private ProxyService proxy;

  /**
   * @param name names the check threads
   */
  ProxyUnderTest(String name) {
    loops = CheckExecutors.newEventLoopGroup(1, name + "-checks");
    blocking = CheckExecutors.newBlockingExecutor(1, name + "-exec");
    factory = new CheckFactory(loops, blocking);
  }

  /** Writes {@code text} to {@code dir}/vipd.conf, checks it is valid and starts its proxy. */
  ProxyService start(Path dir, String text) throws IOException {
    return start(load(dir, text));
  }

  /** Writes {@code text} to {@code dir}/vipd.conf and reads its proxy, which must be valid. */
  static ProxyConfig load(Path dir, String text) throws IOException {
    Path f = dir.resolve("vipd.conf");
    Files.writeString(f, text);
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow().proxy();
  }

  ProxyService start(ProxyConfig config) throws IOException {
    proxy = ProxyService.start(config, factory, loops, ProxyEvents.NOOP);
    return proxy;
  }

  /**
   * The text of a proxy configuration with one frontend, {@code api} on 127.0.0.1:{@code front},
   * and one backend, {@code apiservers}, whose body is {@code backend}.
   */
  static String apiProxy(int front, String backend) {
    return "proxy {\n"
        + "  frontends = [ { name = api, bind = \"127.0.0.1:"
        + front
        + "\", backend = apiservers } ]\n"
        + "  backends.apiservers {\n"
        + backend
        + "  }\n"
        + "}\n";
  }

  /** A loopback port nothing listens on (until someone else takes it). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    blocking.shutdownNow();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
  }
}
