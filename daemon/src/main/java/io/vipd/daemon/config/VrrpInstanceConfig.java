package io.vipd.daemon.config;

import io.vipd.vrrp.packet.Ipv4ChecksumMode;
import io.vipd.vrrp.packet.VrrpVersion;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One {@code vrrp.instances[]} element, validated: a VRRPv2 instance has a whole-second interval
 * and IPv4 VIPs, a VRRPv3 one no authentication, and all VIPs share {@link #family()}.
 *
 * @param name instance name used in logs, e.g. {@code (VI_1) Entering MASTER STATE}
 * @param interfaceName interface the adverts are sent and received on
 * @param virtualRouterId VRID 1..255
 * @param priority 1..255; 255 means address owner
 * @param version protocol version
 * @param advertInterval v2: whole seconds 1..255; v3: 10 ms .. 40.95 s in 10 ms steps
 * @param initialState state entered at start
 * @param preempt whether a higher-priority backup takes over from a lower-priority master
 * @param preemptDelay how long a backup waits before preempting
 * @param authentication v2 password authentication, if any
 * @param checksumMode v3 over IPv4: how the checksum is computed on send
 * @param lowerPriorityAdvert a master that hears a lower-priority advert answers at once with its
 *     own (keepalived's default; {@code false} is keepalived's {@code lower_prio_no_advert})
 * @param unicast unicast peers, or empty for multicast
 * @param virtualIps the VIPs, at least one, one family
 * @param track what moves the effective priority
 * @param notifyScripts state-change scripts (key {@code notify}; {@code notify} is a reserved
 *     record component name)
 * @param garp announcement pacing
 * @param syncGroup the sync group whose members change state together on this node (keepalived's
 *     {@code vrrp_sync_group}), or empty
 */
public record VrrpInstanceConfig(
    String name,
    String interfaceName,
    int virtualRouterId,
    int priority,
    VrrpVersion version,
    Duration advertInterval,
    InitialState initialState,
    boolean preempt,
    Duration preemptDelay,
    Optional<AuthenticationConfig> authentication,
    Ipv4ChecksumMode checksumMode,
    boolean lowerPriorityAdvert,
    Optional<UnicastConfig> unicast,
    List<VirtualIp> virtualIps,
    TrackConfig track,
    NotifyConfig notifyScripts,
    GarpConfig garp,
    Optional<String> syncGroup) {

  /** The address owner priority (RFC 5798 section 5.2.4). */
  public static final int OWNER_PRIORITY = 255;

  public VrrpInstanceConfig {
    virtualIps = List.copyOf(virtualIps);
  }

  /** Address family of the VIPs, hence of the adverts. */
  public IpFamily family() {
    return virtualIps.get(0).family();
  }
}
