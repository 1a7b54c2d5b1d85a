package io.vipd.vrrp.router;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * keepalived's {@code vrrp_sync_group}: virtual routers on one node that change state together, so
 * that the VIPs of a dual-stack cluster (one instance per family, as one advert carries one family)
 * or of two networks stay on one node. Its members:
 *
 * <ul>
 *   <li>go FAULT while any member has a fault of its own (an interface down, a weight-0 check
 *       failing), and leave FAULT together when the last such fault clears;
 *   <li>become MASTER together: a member whose Master_Down_Timer runs out becomes master only when
 *       every other member is master or has timed out too (it re-arms its timer otherwise, as
 *       keepalived prefers BACKUP to a split), and the member that does takes the others with it;
 *   <li>leave MASTER together: a member that hears a better master, is handed over for maintenance,
 *       stops (a reload that removes or restarts it) or fails takes the others to BACKUP (each
 *       resigns with a priority 0 advert, so that the other node's members take over at once);
 *       otherwise the other node's member of that VRID would wait, held back by its siblings, which
 *       still hear this node's masters.
 * </ul>
 *
 * <p>An order is carried out only while its sender is still in the state that gave it: a member
 * that became MASTER and left it again before the others took the order leaves them as they were.
 * Otherwise the two orders would reach the others and be given back to the sender, and so on.
 *
 * <p>As in keepalived, the members are expected to be grouped alike on every node. A tracked weight
 * that moves one member's priority and not the others' can make the nodes disagree on who should be
 * master; keepalived ignores such weights in a group unless told otherwise.
 *
 * <p>Thread-safe: each member runs on the thread that owns its router. A member tells the group of
 * its changes through its {@link Seat} on its own thread; the group orders the other members
 * through the {@code post} each gave at {@link #join}, which must run the order later on that
 * member's own thread (its command queue), never within the call.
 */
public final class SyncGroup {

  private final String name;
  private final List<Seat> seats = new ArrayList<>();

  /**
   * @param name the group's name, as in the logs ({@code sync group G1: ...})
   */
  public SyncGroup(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /** The group's name. */
  public String name() {
    return name;
  }

  /**
   * Seats a member. Its router takes the seat with {@link VirtualRouter#joinSyncGroup} before it
   * starts.
   *
   * @param member the member's name (its instance), for the reasons the others log
   * @param post runs an order on the member's router later, on the thread that owns the router,
   *     with that thread's current time
   */
  public synchronized Seat join(String member, Consumer<Order> post) {
    Seat seat = new Seat(member, post);
    seats.add(seat);
    return seat;
  }

  /** The members seated now, by name, in the order they joined. */
  public synchronized List<String> members() {
    return seats.stream().map(s -> s.member).toList();
  }

  /** An order from the group to one member's router, run on the router's own thread. */
  @FunctionalInterface
  public interface Order {
    /** Applies the order to {@code router} at {@code nowNanos}. */
    void apply(VirtualRouter router, long nowNanos);
  }

  /** The fault another member imposes on {@code seat}, in words; null when none. */
  private String faultImposedOn(Seat seat) {
    for (Seat s : seats) {
      if (s != seat && s.ownFault != null) {
        return "sync group " + name + ": " + s.member + " in fault (" + s.ownFault + ")";
      }
    }
    return null;
  }

  private void imposeFaults() {
    for (Seat s : seats) {
      String fault = faultImposedOn(s);
      if (!Objects.equals(fault, s.imposedFault)) {
        s.imposedFault = fault;
        s.post.accept((router, now) -> router.setSyncFault(fault, now));
      }
    }
  }

  /**
   * One member's place in the group. Called by the member's router on the router's thread; the
   * group's lock is held briefly, and orders to the others are only queued.
   */
  public final class Seat {
    private final String member;
    private final Consumer<Order> post;
    private VrrpState state = VrrpState.INITIALIZE;
    private boolean wantsMaster;
    private String ownFault;

    /** The fault last ordered for this member by the group (what the member has or will have). */
    private String imposedFault;

    private Seat(String member, Consumer<Order> post) {
      this.member = Objects.requireNonNull(member, "member");
      this.post = Objects.requireNonNull(post, "post");
    }

    /** The group's name. */
    public String groupName() {
      return name;
    }

    /** The fault other members impose now, for a router taking the seat; null when none. */
    String imposedFaultNow() {
      synchronized (SyncGroup.this) {
        imposedFault = faultImposedOn(this);
        return imposedFault;
      }
    }

    /** Whether another member is MASTER now (a member starting late joins it). */
    boolean anotherIsMaster() {
      synchronized (SyncGroup.this) {
        return seats.stream().anyMatch(s -> s != this && s.state == VrrpState.MASTER);
      }
    }

    /**
     * The member's Master_Down_Timer ran out: it now wants MASTER. True when every other member is
     * MASTER or wants it too; false while any is still hearing a master, in FAULT or not started.
     */
    boolean mayBecomeMaster() {
      synchronized (SyncGroup.this) {
        wantsMaster = true;
        for (Seat s : seats) {
          boolean ready =
              s.state == VrrpState.MASTER || (s.state == VrrpState.BACKUP && s.wantsMaster);
          if (s != this && !ready) {
            return false;
          }
        }
        return true;
      }
    }

    /**
     * The member no longer wants MASTER: it heard a master it accepts, or went into maintenance (a
     * flag left set there let a sibling's timer take the group to MASTER without it, a split found
     * by {@code SyncGroupFuzzTest}).
     */
    void noLongerWants() {
      synchronized (SyncGroup.this) {
        wantsMaster = false;
      }
    }

    /**
     * The member changed state; the others follow it into MASTER, and out of it unless it went to
     * FAULT (the fault itself takes them there).
     */
    void transitioned(VrrpState from, VrrpState to) {
      synchronized (SyncGroup.this) {
        if (!seats.contains(this)) {
          return; // left (a runtime that did not stop in time): it speaks for the group no more
        }
        state = to;
        wantsMaster = false;
        if (to == VrrpState.MASTER) {
          String why = "sync group " + name + ": " + member + " became MASTER";
          orderOthers((router, now) -> router.syncMaster(why, now), true);
        } else if (from == VrrpState.MASTER && to != VrrpState.FAULT) {
          leftMaster("left MASTER");
        }
      }
    }

    private void leftMaster(String what) {
      String why = "sync group " + name + ": " + member + " " + what;
      orderOthers((router, now) -> router.syncBackup(why, now), false);
    }

    /** Whether this member is MASTER now (an order it gave is still valid, or no longer). */
    private boolean isMaster() {
      synchronized (SyncGroup.this) {
        return state == VrrpState.MASTER;
      }
    }

    /** The member's own fault set or cleared (not one the group imposed). */
    void ownFault(boolean fault, String reason) {
      synchronized (SyncGroup.this) {
        if (!seats.contains(this)) {
          return;
        }
        String now = fault ? reason : null;
        if (!Objects.equals(now, ownFault)) {
          ownFault = now;
          imposeFaults();
        }
      }
    }

    /**
     * The member leaves the group (stopped, removed by a reload, or its runtime failed): it no
     * longer holds the others in FAULT nor back from MASTER. One that leaves as MASTER (a failed
     * runtime, which removed its addresses without a transition) takes them out of MASTER.
     */
    public void leave() {
      synchronized (SyncGroup.this) {
        if (seats.remove(this)) {
          if (state == VrrpState.MASTER) {
            leftMaster("stopped while MASTER");
          }
          state = VrrpState.INITIALIZE;
          imposeFaults();
        }
      }
    }

    /**
     * Posts {@code order} to every other member, to be carried out only while this member is still
     * MASTER ({@code whileMaster}) or still not MASTER.
     */
    private void orderOthers(Order order, boolean whileMaster) {
      Order guarded =
          (router, now) -> {
            if (isMaster() == whileMaster) {
              order.apply(router, now);
            }
          };
      for (Seat s : seats) {
        if (s != this) {
          s.post.accept(guarded);
        }
      }
    }

    @Override
    public String toString() {
      return name + "/" + member;
    }
  }
}
