package io.vipd.daemon.vrrp;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the HOCON of one vipd node for the VRRP network-namespace tests: one instance {@code VI_1}
 * on {@code eth0} with the admin endpoint off, VRRPv3 adverts every 100 ms unless {@link
 * #advertInterval} says otherwise, and whatever raw keys the test adds. Not thread-safe; one per
 * node.
 */
final class InstanceHocon {

  private final int vrid;
  private final int priority;
  private final String vipCidr;
  private String advertInterval = "100ms";
  private final List<String> extras = new ArrayList<>();

  /**
   * @param vrid virtual-router-id
   * @param priority 1..254
   * @param vipCidr the VIP with its prefix length, e.g. {@code 10.77.215.101/24}
   */
  InstanceHocon(int vrid, int priority, String vipCidr) {
    this.vrid = vrid;
    this.priority = priority;
    this.vipCidr = vipCidr;
  }

  /** The advert interval as a HOCON duration, e.g. {@code 1s}. */
  InstanceHocon advertInterval(String interval) {
    this.advertInterval = interval;
    return this;
  }

  /** A raw {@code key = value} inside the instance, e.g. {@code preempt = false}. */
  InstanceHocon with(String keyValue) {
    extras.add(keyValue);
    return this;
  }

  /** The whole config file. */
  String hocon() {
    StringBuilder sb =
        new StringBuilder("vrrp.instances = [ { name = VI_1, interface = eth0")
            .append(", virtual-router-id = ")
            .append(vrid)
            .append(", priority = ")
            .append(priority)
            .append(", advert-interval = ")
            .append(advertInterval)
            .append(", virtual-ips = [\"")
            .append(vipCidr)
            .append("\"]");
    for (String extra : extras) {
      sb.append(", ").append(extra);
    }
    return sb.append(" } ]\nadmin.enabled = false\n").toString();
  }
}
