package io.vipd.daemon.importer;

import io.vipd.daemon.config.Addresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The list blocks of a keepalived {@code vrrp_instance}: {@code unicast_src_ip}/{@code
 * unicast_peer}, {@code virtual_ipaddress}, {@code track_script} and {@code track_interface}. Not
 * thread-safe.
 */
final class KeepalivedAddressLists {

  private final ImportNotes notes;
  private final List<String> comments;
  private String unicastSource;
  private KeepalivedStatement unicastSourceLine;
  private KeepalivedStatement unicastPeers;

  /** The instance's family as keepalived decides it (null: not yet; IPv4 in the end). */
  private Boolean familyIpv6;

  /** The directive that decided {@link #familyIpv6}, for the notes. */
  private String familyFrom;

  private KeepalivedStatement virtualIps;
  private KeepalivedStatement trackScripts;
  private KeepalivedStatement trackInterfaces;

  KeepalivedAddressLists(ImportNotes notes, List<String> comments) {
    this.notes = notes;
    this.comments = comments;
  }

  /**
   * Takes {@code st} if it is one of the list directives; false otherwise. Also follows the
   * directives that decide the instance's address family, in keepalived's way: the first of
   * unicast_src_ip, mcast_src_ip, a unicast_peer entry, native_ipv6 or a virtual_ipaddress entry,
   * in the order written (vrrp_parser.c sets the family when it is still unset).
   */
  boolean read(KeepalivedStatement st) {
    switch (st.keyword()) {
      case "unicast_src_ip":
        unicastSource = st.arg(0).orElse(null);
        unicastSourceLine = st;
        decideFamily(unicastSource, st.text());
        return true;
      case "mcast_src_ip":
        decideFamily(st.arg(0).orElse(null), st.text());
        return false; // not carried over; the instance writer notes it
      case "native_ipv6":
        // keepalived refuses it once the instance is IPv4 ("Cannot specify native_ipv6").
        if (familyIpv6 == null) {
          familyIpv6 = true;
          familyFrom = st.text();
        }
        return false;
      case "unicast_peer":
        unicastPeers = st;
        st.block().forEach(p -> decideFamily(p.keyword(), "unicast_peer " + p.keyword()));
        return true;
      case "virtual_ipaddress":
        virtualIps = st;
        st.block().forEach(v -> decideFamily(v.keyword(), "virtual_ipaddress " + v.keyword()));
        return true;
      case "track_script":
        trackScripts = st;
        return true;
      case "track_interface":
        trackInterfaces = st;
        return true;
      default:
        return false;
    }
  }

  /** Sets the family from {@code address} (an address, maybe with /prefix) if still unset. */
  private void decideFamily(String address, String directive) {
    if (familyIpv6 != null || address == null) {
      return;
    }
    Optional<Boolean> ipv6 = isIpv6(address);
    if (ipv6.isPresent()) {
      familyIpv6 = ipv6.get();
      familyFrom = directive;
    }
  }

  /** Whether {@code address} (an address literal, maybe with /prefix) is IPv6; empty if none. */
  private static Optional<Boolean> isIpv6(String address) {
    int slash = address.indexOf('/');
    return literal(slash < 0 ? address : address.substring(0, slash))
        .map(a -> a instanceof java.net.Inet6Address);
  }

  /** True when {@code address} is an address of the other family than the instance's. */
  private boolean otherFamily(String address) {
    return isIpv6(address).map(v6 -> v6 != ipv6()).orElse(false);
  }

  /** "IPv6" or "IPv4", and what decided it. */
  private String instanceFamily() {
    return (ipv6() ? "IPv6" : "IPv4")
        + (familyFrom == null
            ? " (keepalived's default)"
            : " (keepalived takes the family of the first address of the block: "
                + familyFrom
                + ")");
  }

  void writeUnicast(HoconObject out) {
    String source = unicastSource;
    if (source != null && otherFamily(source)) {
      out.comment(
          notes.dropped(
              unicastSourceLine.where(),
              unicastSourceLine.text(),
              "the instance is "
                  + instanceFamily()
                  + ": keepalived ignores a source of the other family ('MUST be of the same"
                  + " family'); vipd sends from the interface's primary address"));
      source = null;
    }
    if (unicastPeers == null || unicastPeers.block().isEmpty()) {
      if (source != null) {
        out.comment("unicast_src_ip without unicast_peer: keepalived used multicast, so does vipd");
      }
      return;
    }
    HoconObject unicast = HoconObject.inline();
    if (source != null) {
      unicast.put("source", source);
    } else {
      out.comment("no unicast_src_ip: vipd sends from the interface's primary address");
    }
    HoconArray peers = new HoconArray();
    boolean ownAddress = false;
    for (KeepalivedStatement peer : unicastPeers.block()) {
      if (otherFamily(peer.keyword())) {
        out.comment(
            notes.dropped(
                peer.where(),
                "unicast_peer " + peer.keyword(),
                "the instance is "
                    + instanceFamily()
                    + ": keepalived skips a peer of the other family ('MUST be of the same"
                    + " family')"));
        continue;
      }
      if (source != null && sameAddress(peer.keyword(), source)) {
        ownAddress = true;
        // Templated configs list every node, this one included.
        out.comment(
            notes.dropped(
                peer.where(),
                "unicast_peer " + peer.keyword(),
                "it is this node's own unicast_src_ip: keepalived runs with it (it only warns);"
                    + " vipd check refuses a node's own address as a peer"));
        continue;
      }
      peers.add(peer.keyword());
      if (!peer.args().isEmpty()) {
        out.comment(
            notes.dropped(
                peer.where(),
                peer.text(),
                "per-peer options are not supported: vipd requires TTL 255 from every peer"));
      }
    }
    if (peers.isEmpty() && !ownAddress) {
      out.comment(
          notes.changed(
              unicastPeers.where(),
              "unicast_peer",
              "no peer of the instance's family: keepalived ran the instance without unicast"
                  + " peers, that is by multicast (or in FAULT with unicast_fault_no_peer), and"
                  + " vipd leaves the unicast block out, so it advertises by multicast too"));
      return;
    }
    if (peers.isEmpty()) {
      // vipd check refuses a unicast block without peers (and the node's own address as one).
      out.comment(
          notes.review(
              unicastPeers.where(),
              "unicast_peer",
              "no peer but this node's own address: keepalived kept it (with a warning) and sent"
                  + " its adverts by unicast to itself alone, so no other node heard them. vipd"
                  + " cannot do that: the unicast block is left out, so this instance advertises"
                  + " by multicast (224.0.0.18, ff02::12 for IPv6) from the interface's primary"
                  + " address, as keepalived does for an instance with no unicast peer at all"
                  + " (unless unicast_fault_no_peer). List the other nodes' addresses as"
                  + " unicast.peers, on every node, to keep unicast"));
      return;
    }
    unicast.put("peers", peers);
    out.put("unicast", unicast);
  }

  /**
   * True when two address literals name the same address (::1 and 0::1 do; 10.0.0.1 and 10.0.0.01
   * or 10.1 do not, as inet_pton reads them for keepalived). Literals only: a name or a malformed
   * address such as 10.0.0.256 matches nothing and is never looked up in DNS.
   */
  static boolean sameAddress(String a, String b) {
    Optional<InetAddress> x = literal(a);
    return x.isPresent() && x.equals(literal(b));
  }

  private static Optional<InetAddress> literal(String text) {
    try {
      return Optional.of(Addresses.ipLiteral(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * True when the instance is IPv6: keepalived takes the family of the first address among
   * unicast_src_ip, mcast_src_ip, unicast_peer entries, native_ipv6 and virtual_ipaddress entries,
   * in the order written (an instance with none of them is IPv4).
   */
  boolean ipv6() {
    return Boolean.TRUE.equals(familyIpv6);
  }

  private static boolean isAddress(String word) {
    return word.contains(".") || word.contains(":");
  }

  void writeVirtualIps(HoconObject out, String instanceInterface) {
    HoconArray vips = new HoconArray();
    boolean ipv6 = ipv6();
    if (virtualIps != null) {
      for (KeepalivedStatement vip : virtualIps.block()) {
        if (isAddress(vip.keyword()) && vip.keyword().contains(":") != ipv6) {
          out.comment(
              notes.dropped(
                  vip.where(),
                  vip.text(),
                  "it is "
                      + (ipv6 ? "IPv4" : "IPv6")
                      + " and the instance is "
                      + instanceFamily()
                      + ": keepalived ignores it ('address family must match VRRP instance');"
                      + " put it in an instance of its own"));
          continue;
        }
        virtualIp(vip, instanceInterface, out).ifPresent(vips::add);
      }
    }
    if (vips.isEmpty()) {
      out.comment("no virtual_ipaddress: the instance holds no address (keepalived warns too)");
    }
    out.put("virtual-ips", vips);
  }

  private java.util.Optional<String> virtualIp(
      KeepalivedStatement vip, String instanceInterface, HoconObject out) {
    String address = vip.keyword();
    if (!isAddress(address)) {
      out.comment(notes.dropped(vip.where(), vip.text(), "not an IP address"));
      return java.util.Optional.empty();
    }
    if (!address.contains("/")) {
      address += address.contains(":") ? "/128" : "/32";
    }
    StringBuilder text = new StringBuilder(address);
    List<String> dropped = new ArrayList<>();
    List<String> args = vip.args();
    for (int i = 0; i < args.size(); i++) {
      String opt = args.get(i);
      boolean hasValue = i + 1 < args.size();
      if (opt.equals("dev") && hasValue) {
        String dev = args.get(++i);
        if (!dev.equals(instanceInterface)) {
          text.append(" dev ").append(dev);
        }
      } else if (opt.equals("label") && hasValue) {
        text.append(" label ").append(args.get(++i));
      } else if (takesValue(opt) && hasValue) {
        dropped.add(opt + " " + args.get(++i));
      } else {
        dropped.add(opt);
      }
    }
    if (!dropped.isEmpty()) {
      out.comment(
          notes.dropped(
              vip.where(),
              String.join(" ", dropped),
              "vipd adds the address with the kernel's defaults for broadcast and scope"));
    }
    return java.util.Optional.of(text.toString());
  }

  private static boolean takesValue(String opt) {
    return List.of("brd", "scope", "peer", "preferred_lft", "track_group", "metric").contains(opt);
  }

  /**
   * Writes {@code track}: the instance's track_script and track_interface, its sync group's (with
   * their weights, as keepalived adds them to every member), then {@code extra} (fate sharing),
   * each after its comments.
   *
   * @param group the instance's sync group: unless it keeps tracking weights, keepalived ignores
   *     the instance's own script tracked with a weight (left out here) and its own interface's
   *     weight (written as 0: down means FAULT); see {@link KeepalivedSyncGroups#tracksOwn}
   */
  void writeTrack(
      HoconObject out,
      Map<String, KeepalivedScript> scripts,
      List<FateSharing.Track> extra,
      Optional<KeepalivedSyncGroups.Membership> group) {
    Map<String, Long> checks = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>(); // keepalived drops a duplicate as it parses, weight or not
    if (trackScripts != null) {
      for (KeepalivedStatement ref : trackScripts.block()) {
        if (!seen.add(ref.keyword())) {
          out.comment(duplicate(ref, "track_script"));
          continue;
        }
        Optional<Long> weight = trackedScript(ref, scripts, out);
        if (weight.isEmpty()) {
          continue;
        }
        if (!KeepalivedSyncGroups.tracksOwn(group, weight.get())) {
          out.comment(
              notes.dropped(
                  ref.where(),
                  "track_script " + ref.text(),
                  "keepalived ignores a script tracked with a weight in sync group "
                      + group.get().name()
                      + " (no sync_group_tracking_weight), and so does vipd; to have it move the"
                      + " group, track it with weight 0 (FAULT), or in the group"));
          continue;
        }
        checks.put(ref.keyword(), weight.get());
      }
    }
    Map<String, Long> interfaces = new LinkedHashMap<>();
    if (trackInterfaces != null) {
      for (KeepalivedStatement ref : trackInterfaces.block()) {
        if (interfaces.containsKey(ref.keyword())) {
          out.comment(duplicate(ref, "track_interface"));
          continue;
        }
        long weight = weight(ref, 0, out);
        if (!KeepalivedSyncGroups.tracksOwn(group, weight)) {
          out.comment(
              notes.changed(
                  ref.where(),
                  ref.text(),
                  "weight "
                      + weight
                      + " becomes 0: in sync group "
                      + group.get().name()
                      + " keepalived ignores the weight (no sync_group_tracking_weight), so the"
                      + " interface going down puts the group in FAULT"));
          weight = 0;
        }
        interfaces.put(ref.keyword(), weight);
      }
    }
    if (group.isPresent()) {
      for (KeepalivedStatement ref : group.get().scripts()) {
        if (!checks.containsKey(ref.keyword())) {
          trackedScript(ref, scripts, out).ifPresent(w -> checks.put(ref.keyword(), w));
        }
      }
      for (KeepalivedStatement ref : group.get().interfaces()) {
        if (!interfaces.containsKey(ref.keyword())) {
          interfaces.put(ref.keyword(), weight(ref, 0, out));
        }
      }
    }
    HoconArray checkArray = new HoconArray();
    checks.forEach((name, w) -> checkArray.add(entry(name, w)));
    for (FateSharing.Track t : extra) {
      t.comments().forEach(checkArray::comment);
      checkArray.add(entry(t.name(), t.weight()));
    }
    HoconArray interfaceArray = new HoconArray();
    interfaces.forEach((name, w) -> interfaceArray.add(entry(name, w)));
    if (checkArray.isEmpty() && interfaceArray.isEmpty()) {
      return;
    }
    HoconObject track = HoconObject.block();
    if (!checkArray.isEmpty()) {
      track.put("checks", checkArray);
    }
    if (!interfaceArray.isEmpty()) {
      track.put("interfaces", interfaceArray);
    }
    out.put("track", track);
  }

  /** keepalived: "duplicate track_script chk - ignoring": the first entry counts. */
  private String duplicate(KeepalivedStatement ref, String block) {
    return notes.dropped(
        ref.where(),
        block + " " + ref.text(),
        "tracked already above; keepalived ignores the duplicate, and so does vipd");
  }

  private static HoconObject entry(String name, long weight) {
    return HoconObject.inline().put("name", name).put("weight", weight);
  }

  private java.util.Optional<Long> trackedScript(
      KeepalivedStatement ref, Map<String, KeepalivedScript> scripts, HoconObject out) {
    KeepalivedScript script = scripts.get(ref.keyword());
    if (script == null || script.script == null) {
      out.comment(
          notes.dropped(
              ref.where(),
              "track_script " + ref.keyword(),
              "no usable vrrp_script of that name (keepalived ignores it too)"));
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(weight(ref, script.weight, out));
  }

  /**
   * The weight a track entry declares ({@code weight W}, ±254 taken as ±253 as keepalived does),
   * else {@code fallback}; without notes (see {@link #weight}).
   */
  static long declaredWeight(KeepalivedStatement ref, long fallback) {
    String text = weightText(ref);
    OptionalLong w = text == null ? OptionalLong.empty() : parseWeight(text);
    return w.isPresent() ? Math.max(-253, Math.min(253, w.getAsLong())) : fallback;
  }

  /** The word after {@code weight} in a track entry, or null. */
  private static String weightText(KeepalivedStatement ref) {
    List<String> args = ref.args();
    int at = args.indexOf("weight");
    return at < 0 || at + 1 >= args.size() ? null : args.get(at + 1);
  }

  /** A weight keepalived takes, -254..254; empty otherwise. */
  private static OptionalLong parseWeight(String text) {
    try {
      long w = Long.parseLong(text);
      return w < -254 || w > 254 ? OptionalLong.empty() : OptionalLong.of(w);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The {@code weight W [reverse]} of a track reference, else {@code fallback}; with notes. */
  private long weight(KeepalivedStatement ref, long fallback, HoconObject out) {
    String text = weightText(ref);
    if (text == null) {
      return fallback;
    }
    OptionalLong parsed = parseWeight(text);
    if (parsed.isEmpty()) {
      out.comment(
          notes.dropped(
              ref.where(),
              ref.text(),
              "weight must be -253..253 (keepalived takes +-254 as +-253); keepalived ignores it too"));
      return fallback;
    }
    long w = declaredWeight(ref, fallback);
    if (w != parsed.getAsLong()) {
      out.comment(
          notes.changed(
              ref.where(),
              ref.text(),
              "keepalived does not take weight "
                  + parsed.getAsLong()
                  + ": it uses "
                  + w
                  + " (with a warning), and so does vipd"));
    }
    if (ref.args().contains("reverse")) {
      out.comment(
          notes.changed(
              ref.where(),
              ref.text(),
              "vipd has no reverse weights; the weight is applied the normal way"));
    }
    return w;
  }
}
