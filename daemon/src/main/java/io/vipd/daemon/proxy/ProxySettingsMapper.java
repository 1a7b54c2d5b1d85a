package io.vipd.daemon.proxy;

import io.vipd.daemon.config.BackendConfig;
import io.vipd.daemon.config.FrontendConfig;
import io.vipd.daemon.config.HostPort;
import io.vipd.daemon.config.ProxyConfig;
import io.vipd.daemon.config.ServerConfig;
import io.vipd.proxy.BackendSettings;
import io.vipd.proxy.FrontendSettings;
import io.vipd.proxy.OnMarkedDown;
import io.vipd.proxy.ProxySettings;
import io.vipd.proxy.ProxyTimeouts;
import io.vipd.proxy.ServerSettings;
import io.vipd.proxy.balance.BalanceAlgorithm;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Maps the validated {@code proxy} configuration onto the proxy module's settings. */
final class ProxySettingsMapper {

  private ProxySettingsMapper() {}

  static ProxySettings map(ProxyConfig config) throws UnknownHostException {
    List<FrontendSettings> frontends = new ArrayList<>();
    for (FrontendConfig f : config.frontends()) {
      // IP_FREEBIND: a backup binds the VIP it does not hold yet, like haproxy with
      // net.ipv4.ip_nonlocal_bind, but without the sysctl.
      frontends.add(
          new FrontendSettings(f.name(), resolve(f.bind()), f.backend(), f.maxconn(), true));
    }
    List<BackendSettings> backends = new ArrayList<>();
    for (BackendConfig b : config.backends().values()) {
      List<ServerSettings> servers = new ArrayList<>();
      for (ServerConfig s : b.servers()) {
        servers.add(
            new ServerSettings(
                s.name(), resolve(s.address()), s.weight(), s.backup(), s.maxconn()));
      }
      backends.add(
          new BackendSettings(
              b.name(),
              BalanceAlgorithm.valueOf(b.balance().name()),
              servers,
              new ProxyTimeouts(
                  b.timeouts().connect(),
                  b.timeouts().client(),
                  b.timeouts().server(),
                  b.timeouts().tunnel(),
                  b.timeouts().clientFin(),
                  b.timeouts().serverFin(),
                  b.timeouts().queue()),
              b.retries(),
              b.redispatch(),
              OnMarkedDown.valueOf(b.onMarkedDown().name()),
              b.slowstart(),
              io.vipd.proxy.OnMarkedUp.valueOf(b.onMarkedUp().name()),
              b.rebalanceRate(),
              b.allBackups()));
    }
    return new ProxySettings(frontends, backends, config.maxconn());
  }

  static InetSocketAddress resolve(HostPort hp) throws UnknownHostException {
    String host = hp.host().isEmpty() || hp.host().equals("*") ? "0.0.0.0" : hp.host();
    return new InetSocketAddress(InetAddress.getByName(host), hp.port());
  }
}
