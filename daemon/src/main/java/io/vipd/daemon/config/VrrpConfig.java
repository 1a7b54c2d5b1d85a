package io.vipd.daemon.config;

import java.util.List;

/** The {@code vrrp} section: the instances, in file order (possibly none). */
public record VrrpConfig(List<VrrpInstanceConfig> instances) {
  public VrrpConfig {
    instances = List.copyOf(instances);
  }
}
