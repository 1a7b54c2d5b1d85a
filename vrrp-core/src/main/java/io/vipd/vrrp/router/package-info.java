/**
 * The VRRP state machine, sans I/O: {@link io.vipd.vrrp.router.VirtualRouter} takes events with the
 * current time and answers through {@link io.vipd.vrrp.router.VrrpActions} (protocol side effects)
 * and {@link io.vipd.vrrp.router.VirtualRouterListener} (observers). Timers are deadlines in
 * nanoseconds that the owner polls with {@code nextDeadlineNanos()} / {@code timerFired(now)}.
 *
 * <p>States: RFC 3768 / RFC 9568 section 6.4 (Initialize, Backup, Master) plus keepalived's FAULT.
 *
 * <pre>
 *                   start: priority 255, or initialMaster
 *         +-----------------------------------------------------------+
 *         |                                                           v
 *   +------------+  start (other)  +--------+  Master_Down_Timer    +--------+
 *   | INITIALIZE |---------------->| BACKUP |---------------------->| MASTER |
 *   +------------+                 +--------+  expires: advert,     +--------+
 *      ^    |                        ^    ^    add VIPs, GARP/NA     |    |
 *      |    | start while            |    |                          |    |
 *      |    | faulted                |    +--------------------------+    |
 *      |    v                        |     higher priority advert, or     |
 *      |  +-------+  fault cleared   |     equal and sender's address     |
 *      |  | FAULT |------------------+     greater: remove VIPs           |
 *      |  +-------+  (owner: to MASTER)                                   |
 *      |    ^                                                             |
 *      |    +-- fault set, from BACKUP or MASTER -------------------------+
 *      |        (a master sends a priority 0 advert and removes VIPs)     |
 *      |                                                                  |
 *      +-- shutdown, from any state (a master sends priority 0) ----------+
 *
 *  BACKUP on advert:  priority 0             -> Master_Down_Timer = Skew_Time
 *                     priority >= ours, or preempt off, or within preempt delay
 *                                            -> (v3) adopt interval, reset Master_Down_Timer
 *                     lower priority, preempt on
 *                                            -> discard: the timer runs out, we take over
 *  MASTER on advert:  priority 0             -> advert now, reset Adver_Timer
 *                     higher, or equal and sender's address greater
 *                                            -> BACKUP
 *                     lower                  -> advert now (RFC 9568; unless disabled)
 *  MASTER on Adver_Timer                     -> advert, reset Adver_Timer
 * </pre>
 *
 * <p>Timer formulas: {@link io.vipd.vrrp.router.VrrpTimers}. Instance-level receive checks (VRID,
 * own address, unicast peer, v2 owner / authentication / interval): {@code AdvertisementFilter}.
 */
package io.vipd.vrrp.router;
