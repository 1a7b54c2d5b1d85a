package io.vipd.vrrp.runtime;

import java.util.concurrent.TimeUnit;

/**
 * How a master announces its VIPs (gratuitous ARP / unsolicited NA), with keepalived's knobs and
 * defaults: a burst on becoming master, a second burst later (switches and hosts that missed or
 * overrode the first), optional periodic refreshes, and a burst whenever a lower-priority master is
 * heard (two routers became master at once; the LAN may have learnt the loser's MAC last).
 *
 * @param repeat announcements per VIP in a burst (keepalived {@code garp_master_repeat})
 * @param secondBurstDelayNanos delay of the second burst, 0 for none ({@code garp_master_delay})
 * @param refreshNanos period of refreshes while master, 0 for none ({@code garp_master_refresh})
 * @param refreshRepeat announcements per VIP at each refresh
 */
public record GarpSettings(
    int repeat, long secondBurstDelayNanos, long refreshNanos, int refreshRepeat) {

  /** keepalived's defaults: 5 announcements, again 5 s later, no refresh. */
  public static final GarpSettings KEEPALIVED_DEFAULTS =
      new GarpSettings(5, TimeUnit.SECONDS.toNanos(5), 0, 1);

  public GarpSettings {
    if (repeat < 1 || refreshRepeat < 1 || secondBurstDelayNanos < 0 || refreshNanos < 0) {
      throw new IllegalArgumentException(
          "garp: repeat and refresh-repeat must be >= 1, delays >= 0");
    }
  }
}
