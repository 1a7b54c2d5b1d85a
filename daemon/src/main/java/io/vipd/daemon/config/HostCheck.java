package io.vipd.daemon.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code vipd check --host}: judges a valid configuration against this machine. Errors: an
 * interface that does not exist (instance, VIP device or tracked interface); VRRP without {@code
 * CAP_NET_ADMIN} and {@code CAP_NET_RAW}; a frontend on a port below 1024 without {@code
 * CAP_NET_BIND_SERVICE}. Warning: a VIP outside every subnet of its interface (keepalived allows
 * it, but hosts on the segment may not reach it without a route). Error: an exec check whose
 * absolute program is missing or not executable ({@link ExecPrograms}).
 */
public final class HostCheck {

  private HostCheck() {}

  /**
   * @param file the file name, as the user wrote it
   * @param config the file's validated configuration
   * @param host this machine
   */
  public static List<ConfigProblem> check(String file, DaemonConfig config, HostFacts host) {
    List<ConfigProblem> out = new ArrayList<>();
    List<VrrpInstanceConfig> instances = config.vrrp().instances();
    for (int n = 0; n < instances.size(); n++) {
      VrrpInstanceConfig i = instances.get(n);
      String key = "vrrp.instances[" + n + "]";
      if (!exists(out, file, key + ".interface", i.interfaceName(), host)) {
        continue;
      }
      for (int v = 0; v < i.virtualIps().size(); v++) {
        VirtualIp vip = i.virtualIps().get(v);
        String vkey = key + ".virtual-ips[" + v + "]";
        if (!vip.device().equals(i.interfaceName())
            && !exists(out, file, vkey, vip.device(), host)) {
          continue;
        }
        List<HostFacts.Subnet> subnets =
            host.subnets(vip.device()).orElse(List.of()).stream()
                .filter(s -> IpFamily.of(s.address()) == vip.family())
                .toList();
        if (subnets.stream().noneMatch(s -> contains(s, vip.address()))) {
          out.add(
              new ConfigProblem(
                  ConfigProblem.Severity.WARNING,
                  file,
                  0,
                  vkey,
                  "VIP "
                      + vip.cidr()
                      + " is in no subnet of "
                      + vip.device()
                      + " ("
                      + (subnets.isEmpty()
                          ? "no " + (vip.family() == IpFamily.IPV4 ? "IPv4" : "IPv6") + " address"
                          : String.join(
                              ", ",
                              subnets.stream()
                                  .map(s -> Addresses.format(s.address()) + "/" + s.prefixLength())
                                  .toList()))
                      + "): hosts on the segment need a route to reach it"));
        }
      }
      for (int t = 0; t < i.track().interfaces().size(); t++) {
        exists(
            out,
            file,
            key + ".track.interfaces[" + t + "].name",
            i.track().interfaces().get(t).name(),
            host);
      }
    }
    capabilities(out, file, config, host);
    out.addAll(ExecPrograms.problems(file, config));
    out.addAll(ExecPrograms.notifyProblems(file, config));
    return out;
  }

  private static boolean exists(
      List<ConfigProblem> out, String file, String key, String name, HostFacts host) {
    if (host.subnets(name).isPresent()) {
      return true;
    }
    out.add(
        error(
            file,
            key,
            "interface "
                + name
                + " does not exist on this host (it has: "
                + String.join(", ", new LinkedHashSet<>(host.interfaces()))
                + ")"));
    return false;
  }

  private static void capabilities(
      List<ConfigProblem> out, String file, DaemonConfig config, HostFacts host) {
    Optional<Long> caps = host.effectiveCapabilities();
    if (caps.isEmpty()) {
      out.add(
          new ConfigProblem(
              ConfigProblem.Severity.WARNING,
              file,
              0,
              "",
              "cannot read the process capabilities (/proc/self/status): not checked"));
      return;
    }
    long eff = caps.get();
    if (!config.vrrp().instances().isEmpty()) {
      Set<String> missing = new LinkedHashSet<>();
      if (!has(eff, HostFacts.CAP_NET_ADMIN)) {
        missing.add("CAP_NET_ADMIN");
      }
      if (!has(eff, HostFacts.CAP_NET_RAW)) {
        missing.add("CAP_NET_RAW");
      }
      if (!missing.isEmpty()) {
        out.add(
            error(
                file,
                "vrrp",
                "VRRP needs root or "
                    + String.join(" and ", missing)
                    + " (raw sockets, addresses), which this process lacks"));
      }
    }
    List<FrontendConfig> frontends = config.proxy().frontends();
    for (int f = 0; f < frontends.size(); f++) {
      int port = frontends.get(f).bind().port();
      if (port > 0 && port < 1024 && !has(eff, HostFacts.CAP_NET_BIND_SERVICE)) {
        out.add(
            error(
                file,
                "proxy.frontends[" + f + "].bind",
                "port " + port + " needs root or CAP_NET_BIND_SERVICE, which this process lacks"));
      }
    }
  }

  private static boolean has(long caps, int bit) {
    return (caps & (1L << bit)) != 0;
  }

  static boolean contains(HostFacts.Subnet subnet, InetAddress address) {
    byte[] net = subnet.address().getAddress();
    byte[] a = address.getAddress();
    if (net.length != a.length) {
      return false;
    }
    int bits = subnet.prefixLength();
    for (int i = 0; i < net.length && bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((net[i] & mask) != (a[i] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static ConfigProblem error(String file, String key, String message) {
    return new ConfigProblem(ConfigProblem.Severity.ERROR, file, 0, key, message);
  }
}
