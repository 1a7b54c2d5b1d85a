package io.vipd.vrrp.runtime;

import io.vipd.vrrp.packet.Ipv4ChecksumMode;
import io.vipd.vrrp.port.VirtualAddress;
import io.vipd.vrrp.router.VirtualRouterConfig;
import java.net.InetAddress;
import java.util.List;

/**
 * Everything the runtime needs to run one VRRP instance on a real interface: the protocol
 * configuration of the router plus what only the I/O side cares about.
 *
 * @param router the state machine's configuration (its primary address is the advert source)
 * @param interfaceName the interface the instance runs on
 * @param virtualAddresses the VIPs as installed (prefix, device, label)
 * @param checksumMode how VRRPv3 over IPv4 is checksummed on send
 * @param garp how the VIPs are announced while master
 * @param vipLifetimeSeconds lifetime the VIPs are installed with and refreshed within while master,
 *     so that a killed vipd's VIPs expire by themselves; 0 installs them for ever
 */
public record VrrpInstanceSpec(
    VirtualRouterConfig router,
    String interfaceName,
    List<VirtualAddress> virtualAddresses,
    Ipv4ChecksumMode checksumMode,
    GarpSettings garp,
    int vipLifetimeSeconds) {

  public VrrpInstanceSpec {
    virtualAddresses = List.copyOf(virtualAddresses);
    if (vipLifetimeSeconds < 0) {
      throw new IllegalArgumentException(router.name() + ": negative VIP lifetime");
    }
    if (virtualAddresses.isEmpty()) {
      throw new IllegalArgumentException(router.name() + ": no virtual addresses");
    }
  }

  /**
   * Whether a running instance with this spec can take {@code next} in place ({@link
   * VrrpRuntime#reconfigure}): the router part as {@link VirtualRouterConfig#reconfigurableTo}, and
   * the same interface, VIPs, checksum mode and VIP lifetime; only {@link #garp()} may differ
   * besides.
   */
  public boolean reconfigurableTo(VrrpInstanceSpec next) {
    return router.reconfigurableTo(next.router) && sameInstanceOnTheLink(next);
  }

  /**
   * Whether an instance with this spec, in FAULT, can take {@code next} with another primary
   * address ({@link VrrpRuntime#readdress}): as {@link #reconfigurableTo}, with the router part as
   * {@link VirtualRouterConfig#readdressableTo}.
   */
  public boolean readdressableTo(VrrpInstanceSpec next) {
    return router.readdressableTo(next.router) && sameInstanceOnTheLink(next);
  }

  /**
   * This spec advertising from {@code address}; see {@link VirtualRouterConfig#withPrimaryAddress}.
   */
  public VrrpInstanceSpec withPrimaryAddress(InetAddress address) {
    return new VrrpInstanceSpec(
        router.withPrimaryAddress(address),
        interfaceName,
        virtualAddresses,
        checksumMode,
        garp,
        vipLifetimeSeconds);
  }

  private boolean sameInstanceOnTheLink(VrrpInstanceSpec next) {
    return interfaceName.equals(next.interfaceName)
        && virtualAddresses.equals(next.virtualAddresses)
        && checksumMode == next.checksumMode
        && vipLifetimeSeconds == next.vipLifetimeSeconds;
  }

  /** The instance name, e.g. {@code VI_1}. */
  public String name() {
    return router.name();
  }
}
