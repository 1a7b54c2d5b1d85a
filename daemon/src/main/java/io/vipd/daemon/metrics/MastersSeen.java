package io.vipd.daemon.metrics;

import io.vipd.vrrp.runtime.InstanceStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The distinct routers seen as master of each instance since vipd started (this node included,
 * while it is master): more than one on a quiet segment means the VIP has moved; a steadily growing
 * number means flapping or a foreign router with the same VRID.
 *
 * <p>The runtime publishes the master's address in its status snapshots; {@link #sample()} reads
 * them, so a master that held the VIP for less than one sampling period can be missed. The admin
 * server samples every 100 ms and at every read. Thread-safe.
 */
public final class MastersSeen {

  private final Supplier<List<InstanceStatus>> status;
  private final Map<String, Set<String>> seen = new LinkedHashMap<>();

  /**
   * @param status the current status of every instance (e.g. {@code VrrpService::status})
   */
  public MastersSeen(Supplier<List<InstanceStatus>> status) {
    this.status = status;
  }

  /** Records the current master of every instance. */
  public synchronized void sample() {
    for (InstanceStatus s : status.get()) {
      Set<String> set = seen.computeIfAbsent(s.name(), n -> new LinkedHashSet<>());
      if (s.masterAddress() != null) {
        set.add(s.masterAddress());
      }
    }
  }

  /** The addresses seen as master of {@code instance}, oldest first. */
  public synchronized List<String> addresses(String instance) {
    sample();
    return List.copyOf(seen.getOrDefault(instance, Collections.emptySet()));
  }

  /** How many distinct masters {@code instance} has seen. */
  public int count(String instance) {
    return addresses(instance).size();
  }
}
