package io.vipd.vrrp.router;

import io.vipd.vrrp.packet.VrrpAdvertisement;
import io.vipd.vrrp.packet.VrrpVersion;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The configuration of one virtual router (keepalived: one {@code vrrp_instance}), validated on
 * construction: an invalid value throws {@link IllegalArgumentException} naming the field.
 *
 * <p>Immutable. {@link #toString()} never shows the password.
 *
 * @param name instance name used in logs, e.g. {@code VI_1}
 * @param version VRRP version; v2 is IPv4 only
 * @param virtualRouterId VRID, 1..255
 * @param priority configured priority, 1..255; 255 makes this router the address owner (RFC 9568
 *     5.2.4), which is always MASTER when running and whose priority tracking never changes
 * @param advertIntervalCentis our Advertisement_Interval in centiseconds: v3 1..4095; v2 a multiple
 *     of 100 in 100..25500 (the v2 wire field carries whole seconds)
 * @param preempt Preempt_Mode: a backup with a higher priority than the master takes over
 * @param preemptDelayNanos keepalived {@code preempt_delay}: how long after startup (or after first
 *     seeing a lower priority master) preemption is held back; 0..1000 s, 0 = none
 * @param initialMaster keepalived {@code state MASTER}: enter MASTER at start without waiting for
 *     the Master_Down_Timer; the RFC rules apply from then on
 * @param primaryAddress our source address: IPv4 primary address, or IPv6 link-local address. Used
 *     for the equal priority tie-break (RFC 9568 6.4.3) and to recognise our own looped adverts
 * @param virtualAddresses the virtual addresses, at least one, all of the primary address's family
 * @param authType v2 authentication type: {@link VrrpAdvertisement#AUTH_NONE} or {@link
 *     VrrpAdvertisement#AUTH_PASS}; must be NONE for v3
 * @param authData v2 PASS password, 1..8 bytes (stored zero padded to 8 bytes); empty for NONE. For
 *     v2 the stored value is always 8 bytes (zeros for NONE), for v3 it is empty
 * @param advertOnLowerPriority RFC 9568 6.4.3: a master answers a lower priority advert with an
 *     immediate advert; false selects the pre-9568 behaviour (keepalived {@code
 *     vrrp_lower_prio_no_advert})
 * @param unicastPeers the peers' source addresses for unicast VRRP; empty = multicast
 */
public record VirtualRouterConfig(
    String name,
    VrrpVersion version,
    int virtualRouterId,
    int priority,
    int advertIntervalCentis,
    boolean preempt,
    long preemptDelayNanos,
    boolean initialMaster,
    InetAddress primaryAddress,
    List<InetAddress> virtualAddresses,
    int authType,
    byte[] authData,
    boolean advertOnLowerPriority,
    List<InetAddress> unicastPeers) {

  /** The priority of the address owner (RFC 3768 5.3.4, RFC 9568 5.2.4). */
  public static final int OWNER_PRIORITY = 255;

  /** The highest priority a router that does not own the addresses may use. */
  public static final int MAX_BACKUP_PRIORITY = 254;

  /** The lowest priority a participating router may use (0 means "master stopped"). */
  public static final int MIN_PRIORITY = 1;

  /** keepalived's upper bound for {@code preempt_delay}. */
  public static final long MAX_PREEMPT_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1000);

  /** Default priority (RFC 3768 5.3.4). */
  public static final int DEFAULT_PRIORITY = 100;

  /** Default advertisement interval, 1 s (both versions). */
  public static final int DEFAULT_ADVERT_INTERVAL_CENTIS = 100;

  public VirtualRouterConfig {
    require(name != null && !name.isBlank(), "name must not be blank");
    require(version != null, "version is required");
    require(
        virtualRouterId >= 1 && virtualRouterId <= 255,
        "virtualRouterId must be 1..255, got " + virtualRouterId);
    require(
        priority >= MIN_PRIORITY && priority <= OWNER_PRIORITY,
        "priority must be 1..255, got " + priority);
    validateInterval(version, advertIntervalCentis);
    require(
        preemptDelayNanos >= 0 && preemptDelayNanos <= MAX_PREEMPT_DELAY_NANOS,
        "preemptDelayNanos must be 0..1000 s, got " + preemptDelayNanos + " ns");
    require(primaryAddress != null, "primaryAddress is required");
    require(
        version == VrrpVersion.V3 || primaryAddress instanceof Inet4Address,
        "VRRPv2 is IPv4 only, primaryAddress is " + primaryAddress.getHostAddress());
    virtualAddresses = addressList("virtualAddresses", virtualAddresses, primaryAddress);
    require(!virtualAddresses.isEmpty(), "virtualAddresses must not be empty");
    unicastPeers = addressList("unicastPeers", unicastPeers, primaryAddress);
    require(!unicastPeers.contains(primaryAddress), "unicastPeers must not contain primaryAddress");
    authData = normalizeAuth(version, authType, authData);
  }

  /** A builder with the defaults of keepalived and the RFCs; see the setters for each default. */
  public static Builder builder(String name, int virtualRouterId, InetAddress primaryAddress) {
    return new Builder(name, virtualRouterId, primaryAddress);
  }

  /** True when this router owns the virtual addresses (priority 255). */
  public boolean isAddressOwner() {
    return priority == OWNER_PRIORITY;
  }

  /**
   * Whether a running router with this configuration can take {@code next} in place ({@link
   * VirtualRouter#reconfigure}): true when {@code next} differs at most in what does not make it
   * another router on the wire, namely {@link #priority()} as long as neither or both are the
   * address owner (255), {@link #preempt()}, {@link #preemptDelayNanos()}, {@link
   * #advertOnLowerPriority()}, {@link #initialMaster()} (which matters only at the next start) and
   * the {@link #unicastPeers()} of a unicast router that stays unicast (a control-plane node added
   * or removed: the adverts stay the same, only where they go and whom they are taken from changes,
   * as keepalived applies {@code unicast_peer} on reload). Name, version, VRID, interval, primary
   * address, virtual addresses and authentication must be equal, and multicast stay multicast.
   */
  public boolean reconfigurableTo(VirtualRouterConfig next) {
    return primaryAddress.equals(next.primaryAddress) && readdressableTo(next);
  }

  /**
   * Whether a router with this configuration, out of the protocol (FAULT), can take {@code next}
   * with another primary address ({@link VirtualRouter#readdress}): its interface came back with
   * another address to advertise from. As {@link #reconfigurableTo}, except that the primary
   * address may differ; address ownership may not change with it.
   */
  public boolean readdressableTo(VirtualRouterConfig next) {
    return name.equals(next.name)
        && version == next.version
        && virtualRouterId == next.virtualRouterId
        && isAddressOwner() == next.isAddressOwner()
        && advertIntervalCentis == next.advertIntervalCentis
        && virtualAddresses.equals(next.virtualAddresses)
        && authType == next.authType
        && Arrays.equals(authData, next.authData)
        && isUnicast() == next.isUnicast();
  }

  /**
   * This configuration advertising from {@code address} (see {@link VirtualRouter#readdress}).
   *
   * @throws IllegalArgumentException if {@code address} cannot be this router's (another family for
   *     VRRPv2, one of its unicast peers)
   */
  public VirtualRouterConfig withPrimaryAddress(InetAddress address) {
    return new VirtualRouterConfig(
        name,
        version,
        virtualRouterId,
        priority,
        advertIntervalCentis,
        preempt,
        preemptDelayNanos,
        initialMaster,
        address,
        virtualAddresses,
        authType,
        authData,
        advertOnLowerPriority,
        unicastPeers);
  }

  /** True when adverts go to {@link #unicastPeers()} instead of the multicast group. */
  public boolean isUnicast() {
    return !unicastPeers.isEmpty();
  }

  /** Our Advertisement_Interval in nanoseconds. */
  public long advertIntervalNanos() {
    return VrrpTimers.centisToNanos(advertIntervalCentis);
  }

  /** A defensive copy of the authentication data (8 bytes for v2, empty for v3). */
  @Override
  public byte[] authData() {
    return authData.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VirtualRouterConfig c
        && name.equals(c.name)
        && version == c.version
        && virtualRouterId == c.virtualRouterId
        && priority == c.priority
        && advertIntervalCentis == c.advertIntervalCentis
        && preempt == c.preempt
        && preemptDelayNanos == c.preemptDelayNanos
        && initialMaster == c.initialMaster
        && primaryAddress.equals(c.primaryAddress)
        && virtualAddresses.equals(c.virtualAddresses)
        && authType == c.authType
        && Arrays.equals(authData, c.authData)
        && advertOnLowerPriority == c.advertOnLowerPriority
        && unicastPeers.equals(c.unicastPeers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, virtualRouterId, priority, primaryAddress, virtualAddresses);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "VirtualRouterConfig["
        + name
        + " v"
        + version.wireValue()
        + " vrid="
        + virtualRouterId
        + " prio="
        + priority
        + " interval="
        + advertIntervalCentis
        + "cs preempt="
        + preempt
        + " preemptDelay="
        + preemptDelayNanos
        + "ns initialMaster="
        + initialMaster
        + " primary="
        + primaryAddress.getHostAddress()
        + " vips="
        + virtualAddresses
        + " auth="
        + authType
        + " advertOnLowerPriority="
        + advertOnLowerPriority
        + " peers="
        + unicastPeers
        + "]";
  }

  private static void validateInterval(VrrpVersion version, int centis) {
    if (version == VrrpVersion.V3) {
      require(
          centis >= 1 && centis <= 4095,
          "advertIntervalCentis must be 1..4095 for VRRPv3, got " + centis);
    } else {
      require(
          centis >= 100 && centis <= 25500 && centis % 100 == 0,
          "advertIntervalCentis must be whole seconds 1..255 s for VRRPv2, got " + centis + " cs");
    }
  }

  private static List<InetAddress> addressList(
      String field, List<InetAddress> addresses, InetAddress primary) {
    require(addresses != null, field + " is required (use an empty list)");
    for (InetAddress a : addresses) {
      require(a != null, field + " must not contain null");
      require(
          a.getClass() == primary.getClass(),
          field + " must all be of the primary address's family: " + a.getHostAddress());
    }
    require(new HashSet<>(addresses).size() == addresses.size(), field + " contains a duplicate");
    return List.copyOf(addresses);
  }

  private static byte[] normalizeAuth(VrrpVersion version, int authType, byte[] authData) {
    require(authData != null, "authData is required (use an empty array)");
    if (authType == VrrpAdvertisement.AUTH_NONE) {
      require(authData.length == 0, "authData must be empty when authType is NONE");
      return version == VrrpVersion.V2 ? new byte[VrrpAdvertisement.AUTH_DATA_LENGTH] : new byte[0];
    }
    require(
        authType == VrrpAdvertisement.AUTH_PASS,
        "authType must be 0 (none) or 1 (PASS), got " + authType);
    require(version == VrrpVersion.V2, "authentication exists only in VRRPv2");
    require(
        authData.length >= 1 && authData.length <= VrrpAdvertisement.AUTH_DATA_LENGTH,
        "the PASS password must be 1..8 bytes, got " + authData.length);
    return Arrays.copyOf(authData, VrrpAdvertisement.AUTH_DATA_LENGTH);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Builds a {@link VirtualRouterConfig}; defaults: v3, priority 100, 1 s, preempt on, no preempt
   * delay, initial state BACKUP, no authentication, adverts answer lower priority, multicast.
   */
  public static final class Builder {
    private final String name;
    private final int virtualRouterId;
    private final InetAddress primaryAddress;
    private VrrpVersion version = VrrpVersion.V3;
    private int priority = DEFAULT_PRIORITY;
    private int advertIntervalCentis = DEFAULT_ADVERT_INTERVAL_CENTIS;
    private boolean preempt = true;
    private long preemptDelayNanos;
    private boolean initialMaster;
    private List<InetAddress> virtualAddresses = List.of();
    private int authType = VrrpAdvertisement.AUTH_NONE;
    private byte[] authData = new byte[0];
    private boolean advertOnLowerPriority = true;
    private List<InetAddress> unicastPeers = List.of();

    private Builder(String name, int virtualRouterId, InetAddress primaryAddress) {
      this.name = name;
      this.virtualRouterId = virtualRouterId;
      this.primaryAddress = primaryAddress;
    }

    /** VRRP version (default V3). */
    public Builder version(VrrpVersion v) {
      this.version = v;
      return this;
    }

    /** Configured priority 1..255 (default 100). */
    public Builder priority(int p) {
      this.priority = p;
      return this;
    }

    /** Advertisement interval in centiseconds (default 100). */
    public Builder advertIntervalCentis(int centis) {
      this.advertIntervalCentis = centis;
      return this;
    }

    /** Preempt_Mode (default true). */
    public Builder preempt(boolean on) {
      this.preempt = on;
      return this;
    }

    /** keepalived preempt_delay in nanoseconds (default 0). */
    public Builder preemptDelayNanos(long nanos) {
      this.preemptDelayNanos = nanos;
      return this;
    }

    /** keepalived {@code state MASTER} (default false). */
    public Builder initialMaster(boolean on) {
      this.initialMaster = on;
      return this;
    }

    /** The virtual addresses (required, at least one). */
    public Builder virtualAddresses(List<InetAddress> addresses) {
      this.virtualAddresses = addresses;
      return this;
    }

    /** v2 simple password (keepalived auth_type PASS), 1..8 bytes. */
    public Builder password(byte[] password) {
      this.authType = VrrpAdvertisement.AUTH_PASS;
      this.authData = password.clone();
      return this;
    }

    /** RFC 9568 immediate answer to a lower priority advert (default true). */
    public Builder advertOnLowerPriority(boolean on) {
      this.advertOnLowerPriority = on;
      return this;
    }

    /** Unicast peers (default empty: multicast). */
    public Builder unicastPeers(List<InetAddress> peers) {
      this.unicastPeers = peers;
      return this;
    }

    /** Validates and builds. */
    public VirtualRouterConfig build() {
      return new VirtualRouterConfig(
          name,
          version,
          virtualRouterId,
          priority,
          advertIntervalCentis,
          preempt,
          preemptDelayNanos,
          initialMaster,
          primaryAddress,
          virtualAddresses,
          authType,
          authData,
          advertOnLowerPriority,
          unicastPeers);
    }
  }
}
