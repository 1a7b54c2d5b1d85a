package io.vipd.daemon.reload;

import io.vipd.daemon.config.BackendConfig;
import io.vipd.daemon.config.CheckConfig;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.HostPort;
import io.vipd.daemon.config.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;

/**
 * Before a reload changes anything: every host name it will need resolves (the proxy's servers and
 * the tracked checks' targets). A name that does not resolve would otherwise fail the reload half
 * way, the proxy changed already and a tracked check stopped with no replacement. haproxy's reload
 * refuses a server name that does not resolve in the same way ({@code init-addr last,libc}).
 */
public final class NamePreflight {

  private NamePreflight() {}

  /**
   * @throws IOException naming what does not resolve; nothing was changed
   */
  public static void resolve(DaemonConfig next) throws IOException {
    for (BackendConfig b : next.proxy().backends().values()) {
      for (ServerConfig s : b.servers()) {
        resolve(s.address().host(), "backend " + b.name() + " server " + s.name());
      }
    }
    for (Map.Entry<String, CheckConfig> e : next.trackedChecks().entrySet()) {
      CheckConfig c = e.getValue();
      Optional<String> host =
          switch (c.type()) {
            case TCP, TLS -> c.address().map(HostPort::host);
            case HTTP, HTTPS -> c.url().map(u -> u.getHost());
            default -> Optional.empty();
          };
      if (host.isPresent()) {
        resolve(host.get(), "check " + e.getKey());
      }
    }
  }

  private static void resolve(String host, String what) throws IOException {
    if (host == null || host.isEmpty() || host.equals("*")) {
      return;
    }
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IOException(what + ": " + host + " does not resolve; nothing was changed", e);
    }
  }
}
