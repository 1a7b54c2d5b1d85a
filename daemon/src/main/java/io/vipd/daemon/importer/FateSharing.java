package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fate sharing, the default of every import that has a proxy: each VRRP instance tracks a {@code
 * type = proxy} check of every backend the imported frontends serve, so a node whose proxy cannot
 * serve gives the VIP away. A keepalived script that already checked haproxy (and is tracked)
 * serves as that check; otherwise {@code proxy-ready} is written.
 *
 * <p>The weight: negative, taking the node to priority 1, as the project's example and README
 * recommend. Weight 0 (FAULT) would move the VIP at once (a priority-0 advert, then the backup's
 * skew time) where a lowered priority moves it only after the backup's Master_Down_Interval; but
 * while every server is down on every node (kubeadm init, before the first apiserver answers) every
 * node would be in FAULT and none would hold the VIP. With a negative weight every node drops
 * alike, equal priorities never preempt, and the VIP stays put. Two cases take weight 0 anyway: an
 * address owner (255), whose priority weights never change, and an instance without preemption,
 * where a lowered priority never moves the VIP. Not thread-safe; one per import.
 */
final class FateSharing {

  /**
   * One proxy check every instance tracks.
   *
   * @param name the check's name under {@code checks}
   * @param backend the backend whose servers it counts
   * @param frontend the (first) frontend that sends to that backend
   * @param fromScript true when a keepalived script's check is reused, so nothing is written
   */
  record Check(String name, String backend, String frontend, boolean fromScript) {}

  /**
   * A {@code track.checks} entry to add to one instance.
   *
   * @param name the check name
   * @param weight the weight chosen for this instance
   * @param comments why, placed before the entry
   */
  record Track(String name, long weight, List<String> comments) {}

  static final String CHECK_NAME = "proxy-ready";

  private static final int OWNER_PRIORITY = 255;

  private final List<Check> checks = new ArrayList<>();

  /**
   * @param binds the imported frontends (empty: no proxy, no fate sharing)
   * @param scriptByBackend tracked keepalived scripts that became proxy checks, by backend
   * @param takenNames check names already used by scripts
   */
  FateSharing(
      List<FrontendBind> binds, Map<String, String> scriptByBackend, Set<String> takenNames) {
    Map<String, String> frontendByBackend = new LinkedHashMap<>();
    for (FrontendBind b : binds) {
      frontendByBackend.putIfAbsent(b.backend(), b.frontend());
    }
    for (Map.Entry<String, String> e : frontendByBackend.entrySet()) {
      String backend = e.getKey();
      String script = scriptByBackend.get(backend);
      if (script != null) {
        checks.add(new Check(script, backend, e.getValue(), true));
        continue;
      }
      String base =
          checks.stream().anyMatch(c -> !c.fromScript()) ? CHECK_NAME + "-" + backend : CHECK_NAME;
      String name = base;
      for (int i = 2; takenNames.contains(name); i++) {
        name = base + "-" + i;
      }
      checks.add(new Check(name, backend, e.getValue(), false));
    }
  }

  List<Check> checks() {
    return List.copyOf(checks);
  }

  /**
   * The entries to add to one instance's {@code track.checks}.
   *
   * @param alreadyTracked check names the instance's track_script already lists (kept as written)
   * @param priority the instance's priority, 1..255
   * @param preempt whether it preempts
   * @param advertMillis its advert interval, for the comment
   */
  List<Track> tracksFor(
      Set<String> alreadyTracked, long priority, boolean preempt, long advertMillis) {
    List<Track> out = new ArrayList<>();
    for (Check c : checks) {
      if (alreadyTracked.contains(c.name())) {
        continue;
      }
      List<String> why = new ArrayList<>();
      why.add(
          c.name()
              + ": fate sharing, added by vipd import: down while this node's proxy cannot serve"
              + " (frontend "
              + c.frontend()
              + " not listening, or no server of backend "
              + c.backend()
              + " up).");
      long weight;
      if (priority >= OWNER_PRIORITY) {
        weight = 0;
        why.add(
            "weight 0 (FAULT): weights never change an address owner's priority (255), so FAULT"
                + " is the only way it gives the VIP away; while every server is down everywhere"
                + " this node holds no VIP.");
      } else if (!preempt) {
        weight = 0;
        why.add(
            "weight 0 (FAULT): without preemption a lowered priority never moves the VIP, so"
                + " FAULT is the only way; the backup takes over at once, but while every server"
                + " is down on every node (kubeadm init) no node holds the VIP.");
      } else {
        weight = -Math.max(1, priority - 1);
        why.add(
            "weight "
                + weight
                + " takes priority "
                + priority
                + " to 1, below any healthy peer; the VIP moves after the backup's"
                + " Master_Down_Interval (3 to 4 adverts: "
                + Durations.hocon(3 * advertMillis)
                + " to "
                + Durations.hocon(4 * advertMillis)
                + " here).");
        why.add(
            "Not weight 0 (FAULT, moves it at once): while every server is down on every node"
                + " (kubeadm init, before the first apiserver answers) every node would be in"
                + " FAULT and none would hold the VIP; with this weight every node drops to 1,"
                + " equal priorities never preempt, and it stays put (README, Tracking).");
      }
      out.add(new Track(c.name(), weight, why));
    }
    return out;
  }

  /** Writes the checks that no keepalived script provided. */
  void writeChecks(HoconObject out) {
    for (Check c : checks) {
      if (c.fromScript()) {
        continue;
      }
      out.comment(
          c.name()
              + ": fate sharing, added by vipd import and tracked by every vrrp instance: up while"
              + " frontend "
              + c.frontend()
              + " listens and at least one server of backend "
              + c.backend()
              + " is up");
      out.put(
          c.name(),
          HoconObject.inline()
              .putWord("type", "proxy")
              .put("backend", c.backend())
              .put("min-servers-up", 1));
    }
  }
}
