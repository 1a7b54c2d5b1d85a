package io.vipd.daemon.track;

import io.vipd.health.EffectivePriority;
import io.vipd.health.HealthState;
import io.vipd.health.PriorityPolicy;
import io.vipd.health.TrackedCheck;
import io.vipd.vrrp.runtime.VrrpRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the states of what one VRRP instance tracks (checks, interfaces, the proxy) into its
 * effective priority and FAULT, with keepalived's weight semantics ({@link PriorityPolicy}), and
 * pushes changes to the instance's runtime once {@link #publish() published}. Thread-safe: updates
 * come from check loops and link watchers.
 */
public final class InstanceTracker {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.vrrp");

  /** The label prefix of tracked checks (interfaces are "interface NAME"). */
  static final String CHECK_PREFIX = "check ";

  static final String FAULT_SOURCE = "tracking";

  private final String instance;
  private final int basePriority;
  private final VrrpRuntime runtime;
  private final Map<String, Entry> tracked = new LinkedHashMap<>();
  private EffectivePriority last;
  private boolean publishing;
  private volatile String breakdown;
  private BooleanSupplier holdCheckWeights = () -> false;

  /** {@link VrrpRuntime#releaseStart} was sent. */
  private boolean startReleased;

  /**
   * @param instance the instance name, e.g. {@code VI_1}
   * @param basePriority the configured priority
   * @param runtime where priority and fault changes go
   */
  public InstanceTracker(String instance, int basePriority, VrrpRuntime runtime) {
    this.instance = instance;
    this.basePriority = basePriority;
    this.runtime = runtime;
    this.breakdown = "base " + basePriority;
  }

  /**
   * Bootstrap: while {@code hold} is true, failing checks (not interfaces) weigh nothing and cause
   * no FAULT, as if still unknown. Call {@link #reevaluate} when it turns false.
   */
  public synchronized void holdCheckWeights(BooleanSupplier hold) {
    this.holdCheckWeights = hold;
  }

  /** Recomputes the priority from the current states (the bootstrap hold ended). */
  public synchronized void reevaluate(String cause) {
    if (publishing) {
      apply(cause);
    }
  }

  /** Declares a tracked item (before any update). Its state starts UNKNOWN: no weight applies. */
  public synchronized void track(String label, int weight) {
    tracked.put(label, new Entry(weight, HealthState.UNKNOWN, ""));
  }

  /**
   * Records a new state of a tracked item and applies the resulting priority / fault.
   *
   * @param label as given to {@link #track}
   * @param state the item's new state
   * @param detail why, for the log (e.g. {@code connection refused, 3 of 3})
   */
  public synchronized void update(String label, HealthState state, String detail) {
    Entry entry = tracked.get(label);
    if (entry == null) {
      return;
    }
    tracked.put(label, new Entry(entry.weight, state, detail));
    if (!publishing) {
      return;
    }
    apply(label + (state == HealthState.UP ? " succeeded" : " failed") + why(detail));
  }

  /** The priority the recorded states give, the bootstrap hold applied; updates the breakdown. */
  private EffectivePriority evaluate() {
    boolean hold = holdCheckWeights.getAsBoolean();
    boolean held = false;
    List<TrackedCheck> checks = new ArrayList<>();
    for (Map.Entry<String, Entry> t : tracked.entrySet()) {
      Entry e = t.getValue();
      HealthState state = e.state;
      if (hold && state == HealthState.DOWN && t.getKey().startsWith(CHECK_PREFIX)) {
        state = HealthState.UNKNOWN;
        held = true;
      }
      checks.add(new TrackedCheck(t.getKey(), e.weight, state));
    }
    EffectivePriority now = PriorityPolicy.evaluate(basePriority, checks);
    breakdown =
        now.breakdown() + (held ? " (failing checks held: no API server has answered yet)" : "");
    return now;
  }

  private void apply(String cause) {
    EffectivePriority now = evaluate();
    if (last == null || last.priority() != now.priority()) {
      int from = last == null ? basePriority : last.priority();
      if (from != now.priority()) {
        LOG.info(
            "({}) Changing effective priority from {} to {}: {} [{}]",
            instance,
            from,
            now.priority(),
            cause,
            breakdown);
      }
      runtime.setTrackedPriority(now.priority());
    }
    if (last == null || last.fault() != now.fault()) {
      runtime.setFault(FAULT_SOURCE, now.fault(), now.fault() ? cause : "tracking recovered");
    }
    last = now;
    releaseStartOnceAnswered();
  }

  /**
   * Ends the runtime's start hold ({@link VrrpRuntime#holdStartBefore}, keepalived's INIT) once
   * every weight-0 check has a result, after the priority and fault those give are queued: the
   * router starts with them. A runtime that holds nothing ignores it.
   */
  private void releaseStartOnceAnswered() {
    if (startReleased) {
      return;
    }
    for (Map.Entry<String, Entry> t : tracked.entrySet()) {
      if (t.getValue().weight == 0
          && t.getKey().startsWith(CHECK_PREFIX)
          && t.getValue().state == HealthState.UNKNOWN) {
        return;
      }
    }
    startReleased = true;
    runtime.releaseStart();
  }

  /**
   * Starts pushing to the runtime: sends the priority and fault that the states recorded so far
   * give, even when they equal the base and no fault, then every change {@link #update} brings.
   * Until then updates are only recorded, so that a tracker being set up (its states seeded one by
   * one) never pushes a priority made of part of them; and the first push replaces whatever an
   * earlier tracker of a runtime that kept running through a reload had pushed. Idempotent.
   */
  public synchronized void publish() {
    if (publishing) {
      return;
    }
    publishing = true;
    EffectivePriority now = evaluate();
    int from = runtime.status().effectivePriority();
    if (from != now.priority()) {
      LOG.info(
          "({}) Changing effective priority from {} to {}: tracking set up [{}]",
          instance,
          from,
          now.priority(),
          breakdown);
    }
    runtime.setTrackedPriority(now.priority());
    runtime.setFault(FAULT_SOURCE, now.fault(), now.fault() ? breakdown : "tracking set up");
    last = now;
    releaseStartOnceAnswered();
  }

  /** The instance this tracker serves. */
  public String instance() {
    return instance;
  }

  /** The latest breakdown, e.g. {@code base 101, check apiserver failed (-20) -> 81}. */
  public String breakdown() {
    return breakdown;
  }

  /**
   * What this instance tracks and the current state of each, in declaration order; read-only, for
   * status and metrics ({@link PriorityPolicy#contribution} gives each one's part of the priority).
   */
  public synchronized List<TrackedCheck> tracked() {
    List<TrackedCheck> out = new ArrayList<>();
    tracked.forEach((l, e) -> out.add(new TrackedCheck(l, e.weight, e.state)));
    return out;
  }

  /** The configured priority the weights apply to. */
  public int basePriority() {
    return basePriority;
  }

  private static String why(String detail) {
    return detail == null || detail.isEmpty() ? "" : " (" + detail + ")";
  }

  private record Entry(int weight, HealthState state, String detail) {}
}
