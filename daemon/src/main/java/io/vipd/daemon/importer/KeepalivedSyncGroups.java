package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * keepalived's {@code vrrp_sync_group}s, read for the instances they group: each member gets {@code
 * sync-group}, and the group's own {@code track_script} and {@code track_interface} entries are
 * added to every member's with weight 0 (keepalived puts the whole group in FAULT when one fails,
 * whatever its weight, which a member's FAULT does in vipd). How a member's own weights are treated
 * is {@link KeepalivedAddressLists#writeTrack}'s. What vipd has no place for (the group's notify
 * scripts, smtp_alert) is a note. Not thread-safe.
 */
final class KeepalivedSyncGroups {

  /**
   * One instance's group.
   *
   * @param name the group's name
   * @param weightsKept whether the group sets {@code sync_group_tracking_weight}
   * @param where the group's line, for the notes
   */
  record Membership(String name, boolean weightsKept, SourceLocation where) {}

  private final Map<String, Membership> byInstance = new HashMap<>();
  private final Map<String, List<KeepalivedStatement>> tracksByGroup = new HashMap<>();

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
    List<KeepalivedStatement> tracks = new ArrayList<>();
    boolean weightsKept = false;
    for (KeepalivedStatement st : group.block()) {
      switch (st.keyword()) {
        case "group" -> {
          for (KeepalivedStatement m : st.block()) {
            members.add(m.keyword());
            members.addAll(m.args());
          }
        }
        case "track_script", "track_interface" -> tracks.add(faultOnly(st, name, notes, header));
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
      byInstance.put(member, new Membership(name, weightsKept, group.where()));
    }
    tracksByGroup.put(name, tracks);
  }

  /** A group's tracking block with every weight 0 (noted): a group has no priority to move. */
  private static KeepalivedStatement faultOnly(
      KeepalivedStatement tracking, String group, ImportNotes notes, List<String> header) {
    List<KeepalivedStatement> refs = new ArrayList<>();
    for (KeepalivedStatement ref : tracking.block()) {
      if (ref.args().contains("weight")) {
        header.add(
            notes.changed(
                ref.where(),
                ref.text(),
                "tracked by sync group "
                    + group
                    + ": a failure puts the group in FAULT whatever the weight, as in keepalived;"
                    + " each member tracks it with weight 0"));
      }
      refs.add(
          new KeepalivedStatement(
              ref.keyword(), List.of("weight", "0"), List.of(), false, ref.where()));
    }
    return new KeepalivedStatement(
        tracking.keyword(), tracking.args(), refs, true, tracking.where());
  }

  /** The group of {@code instance}, if any. */
  Optional<Membership> of(String instance) {
    return Optional.ofNullable(byInstance.get(instance));
  }

  /**
   * {@code instance} with its group's {@code track_script} and {@code track_interface} entries
   * added to its own (one block of each, as keepalived tracks the union); as it is when it is in no
   * group or the group tracks nothing.
   */
  KeepalivedStatement withGroupTracks(KeepalivedStatement instance) {
    Membership m = byInstance.get(instance.arg(0).orElse(""));
    List<KeepalivedStatement> tracks = m == null ? List.of() : tracksByGroup.get(m.name());
    if (tracks.isEmpty()) {
      return instance;
    }
    List<KeepalivedStatement> block = new ArrayList<>(instance.block());
    for (KeepalivedStatement track : tracks) {
      int own = -1;
      for (int i = 0; i < block.size(); i++) {
        if (block.get(i).keyword().equals(track.keyword())) {
          own = i;
        }
      }
      if (own < 0) {
        block.add(track);
        continue;
      }
      KeepalivedStatement mine = block.get(own);
      // the group's entry wins over the member's own of the same name: a failure faults the group
      List<KeepalivedStatement> union = new ArrayList<>(mine.block());
      union.removeIf(u -> track.block().stream().anyMatch(t -> t.keyword().equals(u.keyword())));
      union.addAll(track.block());
      block.set(
          own, new KeepalivedStatement(mine.keyword(), mine.args(), union, true, mine.where()));
    }
    return new KeepalivedStatement(
        instance.keyword(),
        instance.args(),
        block,
        instance.hasBlock(),
        instance.where(),
        instance.cut());
  }
}
