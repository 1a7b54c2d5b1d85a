package io.vipd.daemon.health;

import io.netty.channel.EventLoopGroup;
import io.vipd.daemon.config.BackendCheckConfig;
import io.vipd.daemon.config.CheckConfig;
import io.vipd.daemon.config.HostPort;
import io.vipd.health.HealthCheck;
import io.vipd.health.HealthState;
import io.vipd.health.InitialState;
import io.vipd.health.MonitorSettings;
import io.vipd.health.check.ExecCheck;
import io.vipd.health.check.FileCheck;
import io.vipd.health.check.HttpCheck;
import io.vipd.health.check.TcpCheck;
import io.vipd.health.check.TlsCheck;
import io.vipd.health.check.TlsOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Turns checks as configured into {@link HealthCheck}s of the health module. Names are resolved
 * here, once, because the checks refuse to resolve on an event loop.
 */
public final class CheckFactory {

  private final EventLoopGroup group;
  private final ScheduledExecutorService blocking;

  /**
   * @param group the event loops network checks run on
   * @param blocking the executor for exec and file checks
   */
  public CheckFactory(EventLoopGroup group, ScheduledExecutorService blocking) {
    this.group = group;
    this.blocking = blocking;
  }

  /** A named check of {@code checks.<name>}, for VRRP tracking. */
  public HealthCheck create(CheckConfig c) throws UnknownHostException {
    switch (c.type()) {
      case TCP:
        return new TcpCheck(group, resolve(c.address().orElseThrow()));
      case TLS:
        return new TlsCheck(group, resolve(c.address().orElseThrow()), tls(c));
      case HTTP:
      case HTTPS:
        return httpCheck(c);
      case EXEC:
        return new ExecCheck(c.command(), c.shell(), blocking);
      case FILE:
        return new FileCheck(c.path().orElseThrow(), blocking);
      default:
        throw new IllegalArgumentException("unknown check type " + c.type());
    }
  }

  /**
   * The check of one backend server, or empty for {@code type = none}: of {@code server}'s address,
   * on {@code check.port} if set.
   */
  public Optional<HealthCheck> create(BackendCheckConfig c, InetSocketAddress address) {
    InetSocketAddress server =
        c.port() == 0 ? address : new InetSocketAddress(address.getAddress(), c.port());
    TlsOptions tls =
        c.insecure()
            ? TlsOptions.insecureTrust()
            : c.caFile().map(TlsOptions::trusting).orElseGet(TlsOptions::systemTrust);
    if (c.clientCert().isPresent() && c.clientKey().isPresent()) {
      tls = tls.withClientCertificate(c.clientCert().get(), c.clientKey().get());
    }
    switch (c.type()) {
      case NONE:
        return Optional.empty();
      case TCP:
        return Optional.of(new TcpCheck(group, server));
      case TLS:
        return Optional.of(new TlsCheck(group, server, tls));
      case HTTP:
        return Optional.of(new HttpCheck(group, server, null, c.path(), c.expectStatus(), null));
      case HTTPS:
        return Optional.of(new HttpCheck(group, server, null, c.path(), c.expectStatus(), tls));
      default:
        throw new IllegalArgumentException("unknown check type " + c.type());
    }
  }

  /** keepalived's vrrp_script semantics: no weight applies until the first result. */
  public static MonitorSettings trackingSettings(CheckConfig c) {
    return trackingSettings(c, HealthState.UNKNOWN);
  }

  /**
   * As {@link #trackingSettings(CheckConfig)}, for a check rebuilt in place of one whose state the
   * trackers hold: up, it takes {@code fall} failures to go down, down {@code rise} successes to
   * come up, as for the check it replaces after a full run of either.
   */
  public static MonitorSettings trackingSettings(CheckConfig c, HealthState current) {
    InitialState start =
        switch (current) {
          case UP -> InitialState.FULLY_UP;
          case DOWN -> InitialState.FULLY_DOWN;
          case UNKNOWN -> InitialState.UNKNOWN;
        };
    return MonitorSettings.of(c.interval(), c.timeout(), c.rise(), c.fall(), start);
  }

  /** haproxy's server semantics: a server starts up and goes down after failed checks. */
  public static MonitorSettings serverSettings(BackendCheckConfig c) {
    return serverSettings(c, Optional.empty());
  }

  /**
   * As {@link #serverSettings(BackendCheckConfig)}, for a check rebuilt by a reload in place of a
   * running one ({@code current}: whether its server is up now): up, it takes {@code fall} failures
   * to go down, down {@code rise} successes to come up, as for the check it replaces after a full
   * run of either. A check started at the edge of its state would take a healthy server out of
   * rotation at the first timeout after a routine reload. Empty: a new server, up as haproxy starts
   * one (its first failure takes it down).
   */
  public static MonitorSettings serverSettings(BackendCheckConfig c, Optional<Boolean> current) {
    InitialState start =
        current.isEmpty()
            ? InitialState.UP
            : current.get() ? InitialState.FULLY_UP : InitialState.FULLY_DOWN;
    return MonitorSettings.of(c.interval(), c.timeout(), c.rise(), c.fall(), start)
        .withFastInterval(c.fastInterval())
        .withDownInterval(c.downInterval());
  }

  private HealthCheck httpCheck(CheckConfig c) throws UnknownHostException {
    URI url = c.url().orElseThrow();
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : (https ? 443 : 80);
    InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(url.getHost()), port);
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path = path + "?" + url.getRawQuery();
    }
    return new HttpCheck(group, target, null, path, c.expectStatus(), https ? tls(c) : null);
  }

  private static TlsOptions tls(CheckConfig c) {
    TlsOptions tls =
        c.insecure() || c.caFile().isEmpty()
            ? (c.insecure() ? TlsOptions.insecureTrust() : TlsOptions.systemTrust())
            : TlsOptions.trusting(c.caFile().get());
    if (c.clientCert().isPresent() && c.clientKey().isPresent()) {
      tls = tls.withClientCertificate(c.clientCert().get(), c.clientKey().get());
    }
    return tls;
  }

  private static InetSocketAddress resolve(HostPort hp) throws UnknownHostException {
    return new InetSocketAddress(InetAddress.getByName(hp.host()), hp.port());
  }
}
