package io.vipd.daemon.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole, validated vipd configuration. Immutable; safe to share between threads. Every part is
 * present (possibly empty): a file with only {@code proxy} has no VRRP instances, one with only
 * {@code vrrp} no frontends.
 *
 * @param source the file it was loaded from
 * @param vrrp VRRP instances
 * @param checks named health checks, sorted by name
 * @param proxy the TCP proxy
 * @param admin the admin endpoint
 * @param logging log settings
 */
public record DaemonConfig(
    Path source,
    VrrpConfig vrrp,
    Map<String, CheckConfig> checks,
    ProxyConfig proxy,
    AdminConfig admin,
    LoggingConfig logging) {
  public DaemonConfig {
    checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
  }

  /** The checks some VRRP instance tracks, by name: the only ones that are built and run. */
  public Map<String, CheckConfig> trackedChecks() {
    Map<String, CheckConfig> out = new LinkedHashMap<>();
    for (VrrpInstanceConfig i : vrrp.instances()) {
      for (TrackConfig.Tracked t : i.track().checks()) {
        CheckConfig c = checks.get(t.name());
        if (c != null) {
          out.put(t.name(), c);
        }
      }
    }
    return out;
  }
}
