package io.vipd.daemon.vrrp;

import io.vipd.vrrp.packet.RxDropReason;
import io.vipd.vrrp.router.Transition;
import io.vipd.vrrp.router.VirtualRouterListener;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a VRRP instance's life in the words keepalived users grep for: {@code (VI_1) Entering MASTER
 * STATE}, {@code (VI_1) Changing effective priority from 101 to 81}.
 */
final class KeepalivedStyleLog implements VirtualRouterListener {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.vrrp");

  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String instance;

  /** Confined to the instance's VRRP thread, which calls the listener. */
  private final Map<RxDropReason, Long> lastWarned = new EnumMap<>(RxDropReason.class);

  private Long lastConflictWarned;

  KeepalivedStyleLog(String instance) {
    this.instance = instance;
  }

  @Override
  public void onTransition(Transition transition) {
    LOG.info("({}) Entering {} STATE ({})", instance, transition.to(), transition.reason());
  }

  @Override
  public void onPriorityChanged(int from, int to) {
    LOG.debug("({}) effective priority now {} (was {})", instance, to, from);
  }

  @Override
  public void onAdvertisementDropped(RxDropReason reason) {
    switch (reason) {
      case AUTH_MISMATCH, INTERVAL_MISMATCH, ADDRESS_LIST_MISMATCH, ADDRESS_OWNER, NOT_A_PEER -> {
        // A router of our group that we ignore: a configuration mismatch that splits the group
        // (two masters) until fixed. Loud, but at most once per reason every 10 s.
        long now = System.nanoTime();
        Long last = lastWarned.get(reason);
        if (last == null || now - last >= WARN_INTERVAL_NANOS) {
          lastWarned.put(reason, now);
          LOG.warn(
              "({}) advertisement dropped: {} ({}; counted in vipd_vrrp_drops_total,"
                  + " logged at most every 10 s)",
              instance,
              reason,
              explain(reason));
        }
      }
      default -> LOG.debug("({}) advertisement dropped: {}", instance, reason);
    }
  }

  /** A VRRPv3 router advertises the addresses this node owns: at most once every 10 s. */
  @Override
  public void onAddressOwnerConflict(InetAddress source, int advertisedPriority) {
    long now = System.nanoTime();
    Long last = lastConflictWarned;
    if (last == null || now - last >= WARN_INTERVAL_NANOS) {
      lastConflictWarned = now;
      LOG.warn(
          "({}) {} advertises this node's addresses at priority {}, but this node owns them"
              + " (priority 255) and stays MASTER; logged at most every 10 s",
          instance,
          source.getHostAddress(),
          advertisedPriority);
    }
  }

  private static String explain(RxDropReason reason) {
    return switch (reason) {
      case AUTH_MISMATCH -> "authentication type or password differ from this node's";
      case INTERVAL_MISMATCH -> "VRRPv2 advert interval differs from this node's";
      case ADDRESS_LIST_MISMATCH ->
          "its virtual addresses differ from this node's (another cluster on this VRID, or"
              + " virtual-ips that differ between nodes)";
      case ADDRESS_OWNER ->
          "this node owns the address (priority 255), another router advertises it";
      case NOT_A_PEER -> "unicast advertisement from an address not in unicast.peers";
      default -> reason.toString();
    };
  }
}
