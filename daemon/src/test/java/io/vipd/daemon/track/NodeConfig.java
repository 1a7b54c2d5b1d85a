package io.vipd.daemon.track;

import io.vipd.daemon.testing.VipCluster;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the HOCON of one vipd node for the tracking tests: instance {@code VI_1} on {@code eth0}
 * with VRRPv3 adverts every 100 ms, an {@code apiserver} check of the node's own stand-in ({@code
 * GET https://127.0.0.1:6443/readyz}, every 200 ms, fall 2, rise 2), and whatever the test adds.
 * Not thread-safe; one per node.
 */
final class NodeConfig {

  private final int priority;
  private final String vip;
  private final List<String> trackChecks = new ArrayList<>();
  private final List<String> trackInterfaces = new ArrayList<>();
  private final List<String> instanceExtras = new ArrayList<>();
  private final List<String> topLevel = new ArrayList<>();

  NodeConfig(int priority, String vip) {
    this.priority = priority;
    this.vip = vip;
  }

  /** Tracks the {@code apiserver} check with {@code weight}. */
  NodeConfig trackApiserver(int weight) {
    return trackCheck("apiserver", weight);
  }

  NodeConfig trackCheck(String name, int weight) {
    trackChecks.add("{ name = " + name + ", weight = " + weight + " }");
    return this;
  }

  NodeConfig trackInterface(String name, int weight) {
    trackInterfaces.add("{ name = " + name + ", weight = " + weight + " }");
    return this;
  }

  /** A raw {@code key = value} inside the instance, e.g. {@code preempt = false}. */
  NodeConfig instance(String keyValue) {
    instanceExtras.add(keyValue);
    return this;
  }

  /** A raw top-level HOCON line, e.g. a proxy section. */
  NodeConfig top(String hocon) {
    topLevel.add(hocon);
    return this;
  }

  /**
   * The proxy of the fate-sharing setup: frontend {@code 0.0.0.0:8443} to backend {@code apiserver}
   * whose one server is the node's own stand-in, checked with {@code GET /readyz} every 200 ms
   * (fall 2, rise 2); and a {@code type = proxy} check {@code proxy-ready} on that backend.
   */
  NodeConfig withProxy() {
    return top("proxy.frontends = [ { name = apiserver, bind = \"0.0.0.0:8443\","
            + " backend = apiserver } ]")
        .top(
            "proxy.backends.apiserver { servers = [ { name = local, address = \""
                + VipCluster.APISERVER
                + "\" } ], check { type = https, path = /readyz, insecure = true,"
                + " interval = 200ms, timeout = 500ms, fall = 2, rise = 2 } }")
        .top("checks.proxy-ready { type = proxy, backend = apiserver, min-servers-up = 1 }");
  }

  String hocon() {
    StringBuilder sb = new StringBuilder();
    sb.append("admin.enabled = false\n");
    sb.append("checks.apiserver { type = https, url = \"https://")
        .append(VipCluster.APISERVER)
        .append("/readyz\", insecure = true, interval = 200ms, timeout = 500ms,")
        .append(" fall = 2, rise = 2 }\n");
    topLevel.forEach(l -> sb.append(l).append('\n'));
    sb.append("vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 51,")
        .append(" priority = ")
        .append(priority)
        .append(", advert-interval = 100ms, virtual-ips = [\"")
        .append(vip)
        .append("/24\"]");
    for (String extra : instanceExtras) {
      sb.append(", ").append(extra);
    }
    sb.append(", track { checks = [")
        .append(String.join(", ", trackChecks))
        .append("], interfaces = [")
        .append(String.join(", ", trackInterfaces))
        .append("] } } ]\n");
    return sb.toString();
  }
}
