package io.vipd.vrrp.runtime;

import io.vipd.vrrp.packet.RxDropReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one VRRP instance, named after FRR's {@code struct vrrp_router.stats}. Written by the
 * runtime thread, read by any thread (metrics, status).
 */
public final class VrrpStats {

  private final LongAdder advertsSent = new LongAdder();
  private final LongAdder advertsReceived = new LongAdder();
  private final LongAdder announcementsSent = new LongAdder();
  private final LongAdder transitions = new LongAdder();
  private final LongAdder sendErrors = new LongAdder();
  private final Map<RxDropReason, LongAdder> drops = new EnumMap<>(RxDropReason.class);

  /** Creates zeroed counters. */
  public VrrpStats() {
    for (RxDropReason reason : RxDropReason.values()) {
      drops.put(reason, new LongAdder());
    }
  }

  void advertSent() {
    advertsSent.increment();
  }

  void advertReceived() {
    advertsReceived.increment();
  }

  void announcementSent() {
    announcementsSent.increment();
  }

  void transition() {
    transitions.increment();
  }

  void sendError() {
    sendErrors.increment();
  }

  void dropped(RxDropReason reason) {
    drops.get(reason).increment();
  }

  /** Advertisements sent (all destinations of one advert count once each). */
  public long advertsSent() {
    return advertsSent.sum();
  }

  /** Advertisements received that passed packet-level validation. */
  public long advertsReceived() {
    return advertsReceived.sum();
  }

  /** Gratuitous ARPs / unsolicited NAs sent. */
  public long announcementsSent() {
    return announcementsSent.sum();
  }

  /** State transitions. */
  public long transitions() {
    return transitions.sum();
  }

  /** Failed sends (advertisements or announcements). */
  public long sendErrors() {
    return sendErrors.sum();
  }

  /** Packets dropped for the given reason. */
  public long droppedCount(RxDropReason reason) {
    return drops.get(reason).sum();
  }

  /** A snapshot of the drop counters, every reason present. */
  public Map<RxDropReason, Long> dropsSnapshot() {
    Map<RxDropReason, Long> copy = new EnumMap<>(RxDropReason.class);
    drops.forEach((reason, adder) -> copy.put(reason, adder.sum()));
    return copy;
  }
}
