package io.vipd.vrrp.router;

import io.vipd.vrrp.packet.RxDropReason;
import io.vipd.vrrp.packet.VrrpAdvertisement;
import io.vipd.vrrp.packet.VrrpVersion;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Instance-level receive validation (RFC 3768 7.1, RFC 9568 7.1): the checks that need this
 * router's configuration, after the codec has accepted the packet itself.
 *
 * <p>Address owner: RFC 3768 lists "the local router is not the owner" among the MUST-discard
 * checks, so a v2 owner drops every advert ({@link RxDropReason#ADDRESS_OWNER}). RFC 9568 (erratum
 * 8298) turned it into "SHOULD verify ... and log", and keepalived processes such adverts; a v3
 * owner therefore processes them and the router reports {@link
 * VirtualRouterListener#onAddressOwnerConflict} for the log. The v2 owner is MASTER whenever it
 * runs, so discarding loses nothing but a conflict it cannot resolve anyway.
 *
 * <p>Address list: both RFCs let a router verify that the advert lists its virtual addresses, and
 * then require it to discard one that does not unless an owner (priority 255) sent it. keepalived
 * verifies (count, then each of its addresses) and so does vipd ({@link
 * RxDropReason#ADDRESS_LIST_MISMATCH}): without it, a router of another cluster that reuses the
 * VRID on the segment would take the VIP away or be preempted by this one.
 */
final class AdvertisementFilter {

  private final VirtualRouterConfig config;
  private final Set<InetAddress> peers;
  private final byte[] authData;
  private final Set<InetAddress> virtualAddresses;

  AdvertisementFilter(VirtualRouterConfig config) {
    this.config = config;
    this.virtualAddresses = Set.copyOf(config.virtualAddresses());
    this.peers = Set.copyOf(config.unicastPeers());
    this.authData = config.authData();
  }

  /**
   * Why the advert must be dropped, or empty when the router should process it.
   *
   * @param effectivePriority the router's current priority (255 only for the owner)
   */
  Optional<RxDropReason> check(VrrpAdvertisement adv, InetAddress source, int effectivePriority) {
    if (adv.version() != config.version()) {
      return Optional.of(RxDropReason.BAD_VERSION);
    }
    if (adv.virtualRouterId() != config.virtualRouterId()) {
      return Optional.of(RxDropReason.UNKNOWN_VRID);
    }
    if (source.equals(config.primaryAddress())) {
      return Optional.of(RxDropReason.OWN_ADVERTISEMENT);
    }
    if (config.isUnicast() && !peers.contains(source)) {
      return Optional.of(RxDropReason.NOT_A_PEER);
    }
    if (config.version() == VrrpVersion.V2) {
      Optional<RxDropReason> v2 = checkV2(adv, effectivePriority);
      if (v2.isPresent()) {
        return v2;
      }
    }
    if (adv.priority() != VirtualRouterConfig.OWNER_PRIORITY && !listsOurAddresses(adv)) {
      return Optional.of(RxDropReason.ADDRESS_LIST_MISMATCH);
    }
    return Optional.empty();
  }

  /** As keepalived: the same count, and each of our virtual addresses among them. */
  private boolean listsOurAddresses(VrrpAdvertisement adv) {
    return adv.addresses().size() == virtualAddresses.size()
        && adv.addresses().containsAll(virtualAddresses);
  }

  private Optional<RxDropReason> checkV2(VrrpAdvertisement adv, int effectivePriority) {
    if (effectivePriority == VirtualRouterConfig.OWNER_PRIORITY) {
      return Optional.of(RxDropReason.ADDRESS_OWNER);
    }
    if (!authMatches(adv)) {
      return Optional.of(RxDropReason.AUTH_MISMATCH);
    }
    if (adv.advertIntervalCentis() != config.advertIntervalCentis()) {
      return Optional.of(RxDropReason.INTERVAL_MISMATCH);
    }
    return Optional.empty();
  }

  private boolean authMatches(VrrpAdvertisement adv) {
    if (adv.authType() != config.authType()) {
      return false;
    }
    // RFC 3768 5.3.6: with type 0 the data field is ignored on reception.
    if (config.authType() == VrrpAdvertisement.AUTH_NONE) {
      return true;
    }
    // Constant time, so that timing does not reveal how much of the password matched.
    return MessageDigest.isEqual(authData, adv.authData());
  }
}
