package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * keepalived's {@code vrrp_sync_group}s, read for the instances they group: each member gets {@code
 * sync-group} and tracks the group's own {@code track_script} and {@code track_interface} entries
 * with their weights, as keepalived adds them to every member (tried with keepalived 2.2.7: a
 * failing group script weighted -30 took both members from 100 to 70). Without {@code
 * sync_group_tracking_weight}, keepalived ignores a member's own script tracked with a weight and a
 * member's own interface weight ({@link #tracksOwn}). What vipd has no place for (the group's
 * notify scripts, smtp_alert) is a note. Not thread-safe.
 */
final class KeepalivedSyncGroups {

  /**
   * One instance's group.
   *
   * @param name the group's name
   * @param weightsKept whether the group sets {@code sync_group_tracking_weight}
   * @param where the group's line, for the notes
   * @param scripts the group's {@code track_script} entries, which every member tracks
   * @param interfaces the group's {@code track_interface} entries, which every member tracks
   */
  record Membership(
      String name,
      boolean weightsKept,
      SourceLocation where,
      List<KeepalivedStatement> scripts,
      List<KeepalivedStatement> interfaces) {}

  private final Map<String, Membership> byInstance = new HashMap<>();

  /**
   * Reads every {@code vrrp_sync_group} among {@code statements}; notes go to {@code header}.
   *
   * @param instanceNames the instances the file defines
   */
  static KeepalivedSyncGroups read(
      List<KeepalivedStatement> statements,
      Set<String> instanceNames,
      ImportNotes notes,
      List<String> header) {
    KeepalivedSyncGroups groups = new KeepalivedSyncGroups();
    for (KeepalivedStatement st : statements) {
      if (st.keyword().equals("vrrp_sync_group")) {
        groups.readGroup(st, instanceNames, notes, header);
      }
    }
    return groups;
  }

  private void readGroup(
      KeepalivedStatement group,
      Set<String> instanceNames,
      ImportNotes notes,
      List<String> header) {
    String name = group.arg(0).orElse("");
    Set<String> members = new LinkedHashSet<>();
    List<KeepalivedStatement> scripts = new ArrayList<>();
    List<KeepalivedStatement> interfaces = new ArrayList<>();
    boolean weightsKept = false;
    for (KeepalivedStatement st : group.block()) {
      switch (st.keyword()) {
        case "group" -> {
          for (KeepalivedStatement m : st.block()) {
            members.add(m.keyword());
            members.addAll(m.args());
          }
        }
        case "track_script" -> scripts.addAll(st.block());
        case "track_interface" -> interfaces.addAll(st.block());
        case "sync_group_tracking_weight" -> weightsKept = true;
        case "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify" ->
            header.add(
                notes.dropped(
                    st.where(),
                    st.text(),
                    "vipd runs each instance's notify scripts, not a group's: give them to the"
                        + " members"));
        default ->
            header.add(notes.dropped(st.where(), st.text(), KeepalivedReasons.of(st.keyword())));
      }
    }
    List<String> known = new ArrayList<>();
    for (String member : members) {
      if (!instanceNames.contains(member)) {
        header.add(
            notes.dropped(
                group.where(),
                "vrrp_sync_group " + name + " member " + member,
                "no vrrp_instance of that name (keepalived ignores it too)"));
      } else if (byInstance.containsKey(member)) {
        header.add(
            notes.dropped(
                group.where(),
                "vrrp_sync_group " + name + " member " + member,
                "already in sync group "
                    + byInstance.get(member).name()
                    + " (keepalived refuses"
                    + " an instance in two groups)"));
      } else {
        known.add(member);
      }
    }
    if (known.size() < 2) {
      header.add(
          notes.dropped(
              group.where(),
              group.text(),
              "fewer than two instances: keepalived ignores such a group, and so does vipd"));
      return;
    }
    for (String member : known) {
      byInstance.put(member, new Membership(name, weightsKept, group.where(), scripts, interfaces));
    }
  }

  /** The group of {@code instance}, if any. */
  Optional<Membership> of(String instance) {
    return Optional.ofNullable(byInstance.get(instance));
  }

  /**
   * Whether keepalived tracks an instance's own entry of {@code weight}: outside a group, in a
   * group that keeps tracking weights, or at weight 0 ("ignoring tracked script ... with weights
   * due to SYNC group"; an interface's weight is ignored the same way, the interface still
   * tracked).
   */
  static boolean tracksOwn(Optional<Membership> group, long weight) {
    return group.isEmpty() || group.get().weightsKept() || weight == 0;
  }

  /**
   * The scripts {@code instance} tracks in keepalived: its own, less those {@link #tracksOwn}
   * leaves out, and its group's.
   */
  Set<String> trackedScripts(KeepalivedStatement instance, Map<String, KeepalivedScript> scripts) {
    Optional<Membership> group = of(instance.arg(0).orElse(""));
    Set<String> tracked = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>(); // the first entry of a name counts, as keepalived parses
    for (KeepalivedStatement st : instance.block()) {
      if (st.keyword().equals("track_script")) {
        for (KeepalivedStatement ref : st.block()) {
          if (!seen.add(ref.keyword())) {
            continue;
          }
          KeepalivedScript script = scripts.get(ref.keyword());
          long fallback = script == null ? 0 : script.weight;
          if (tracksOwn(group, KeepalivedAddressLists.declaredWeight(ref, fallback))) {
            tracked.add(ref.keyword());
          }
        }
      }
    }
    group.ifPresent(g -> g.scripts().forEach(ref -> tracked.add(ref.keyword())));
    return tracked;
  }
}
