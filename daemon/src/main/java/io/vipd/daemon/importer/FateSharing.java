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
 * <p>The weight: 0 (FAULT), as in the project's example: a node whose proxy cannot serve gives the
 * VIP away at once (a priority-0 advert, then the backup's skew time), where a lowered priority
 * would move it only after the backup's Master_Down_Interval. While no apiserver has answered yet
 * (kubeadm init) vipd holds failing checks, so FAULT cannot leave every node without the VIP. Not
 * thread-safe; one per import.
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
      long weight = 0;
      why.add(
          "weight 0 (FAULT): a node whose proxy cannot serve gives the VIP away at once (a"
              + " priority-0 advert; the backup takes over after its skew time, well under one"
              + " advert interval of "
              + Durations.hocon(advertMillis)
              + ") instead of after the backup's Master_Down_Interval as a lowered priority"
              + " would"
              + (priority >= OWNER_PRIORITY
                  ? "; weights never change an address owner's priority anyway"
                  : "")
              + (!preempt ? "; without preemption a lowered priority would never move it" : "")
              + ".");
      why.add(
          "During kubeadm init, before the first apiserver answers, vipd holds failing checks"
              + " (README, Bootstrap; it needs the proxy to check at least two servers, as one"
              + " per control-plane node does), so no node faults and the VIP stays put.");
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
