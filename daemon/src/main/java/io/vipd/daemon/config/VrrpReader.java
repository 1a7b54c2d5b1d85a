package io.vipd.daemon.config;

import com.typesafe.config.ConfigObject;
import io.vipd.daemon.text.ShellWords;
import io.vipd.vrrp.packet.Ipv4ChecksumMode;
import io.vipd.vrrp.packet.VrrpVersion;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and validates {@code vrrp}: each instance on its own, then the instances together. */
final class VrrpReader {

  private static final Duration V3_MAX = Duration.ofMillis(40_950);
  private static final Duration V2_MAX = Duration.ofSeconds(255);
  private static final String SYNC_GROUP_EXPECTED =
      "a group name of letters, digits and . _ - such as G1";
  private static final Pattern SYNC_GROUP_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final ConfigObject instanceDefaults;
  private final ConfigObject trackDefaults;
  private final Set<String> checkNames;

  /**
   * @param instanceDefaults {@code defaults.vrrp-instance}
   * @param trackDefaults {@code defaults.track}, merged into each track list element
   * @param checkNames the checks defined under {@code checks}, for track references
   */
  VrrpReader(ConfigObject instanceDefaults, ConfigObject trackDefaults, Set<String> checkNames) {
    this.instanceDefaults = instanceDefaults;
    this.trackDefaults = trackDefaults;
    this.checkNames = checkNames;
  }

  Optional<VrrpConfig> read(Node vrrp) {
    Optional<List<Node>> elements = vrrp.objectList("instances", instanceDefaults);
    vrrp.finish();
    if (elements.isEmpty()) {
      return Optional.empty();
    }
    List<VrrpInstanceConfig> instances = new ArrayList<>();
    List<Node> nodes = new ArrayList<>();
    for (Node n : elements.get()) {
      readInstance(n)
          .ifPresent(
              i -> {
                instances.add(i);
                nodes.add(n);
              });
    }
    crossCheck(instances, nodes);
    return vrrp.hasErrors() ? Optional.empty() : Optional.of(new VrrpConfig(instances));
  }

  private Optional<VrrpInstanceConfig> readInstance(Node n) {
    Optional<String> name = n.text("name", "an instance name such as VI_1");
    Optional<String> itf = interfaceName(n, "interface");
    Optional<Integer> vrid = n.integer("virtual-router-id", 1, 255);
    Optional<Integer> priority = n.integer("priority", 1, 255);
    Optional<VrrpVersion> version =
        n.integer("version", 2, 3, "2 or 3").map(v -> v == 2 ? VrrpVersion.V2 : VrrpVersion.V3);
    Optional<Duration> advert = advertInterval(n, version);
    Optional<InitialState> initial =
        n.choice(
            "initial-state",
            orderedMap("backup", InitialState.BACKUP, "master", InitialState.MASTER));
    Optional<Boolean> preempt = n.bool("preempt");
    Optional<Duration> preemptDelay =
        n.duration("preempt-delay", Duration.ZERO, Duration.ofSeconds(1000));
    Optional<Optional<AuthenticationConfig>> auth =
        n.child("authentication").map(a -> auth(a, version));
    Optional<Ipv4ChecksumMode> checksum =
        n.choice(
            "checksum-mode",
            orderedMap(
                "pseudo-header",
                Ipv4ChecksumMode.PSEUDO_HEADER,
                "rfc9568",
                Ipv4ChecksumMode.MESSAGE_ONLY));
    Optional<Boolean> lowerPrioAdvert = n.bool("lower-priority-advert");
    Optional<String> syncGroup = n.optionalText("sync-group", SYNC_GROUP_EXPECTED);
    if (syncGroup.isPresent() && !SYNC_GROUP_NAME.matcher(syncGroup.get()).matches()) {
      n.error("sync-group", "found \"" + syncGroup.get() + "\", expected " + SYNC_GROUP_EXPECTED);
      syncGroup = Optional.empty();
    }
    Optional<List<VirtualIp>> vips = virtualIps(n, itf.orElse(""));
    Optional<IpFamily> vipFamily = vips.filter(l -> !l.isEmpty()).map(l -> l.get(0).family());
    Optional<Optional<UnicastConfig>> unicast = n.child("unicast").map(u -> unicast(u, vipFamily));
    Optional<TrackConfig> track = n.child("track").flatMap(this::track);
    Optional<NotifyConfig> notify = n.child("notify").flatMap(VrrpReader::notify);
    Optional<GarpConfig> garp = n.child("garp").flatMap(VrrpReader::garp);
    n.finish();

    if (version.isPresent() && vips.isPresent()) {
      if (version.get() == VrrpVersion.V2) {
        for (VirtualIp v : vips.get()) {
          if (v.family() == IpFamily.IPV6) {
            n.error(
                "version",
                "found 2 with IPv6 virtual-ips, expected 3 (VRRPv2 is IPv4 only, RFC 3768)");
            break;
          }
        }
      }
      if (n.isSetByUser("checksum-mode")
          && (version.get() == VrrpVersion.V2 || vips.get().get(0).family() == IpFamily.IPV6)) {
        n.warning("checksum-mode", "ignored: it applies only to VRRPv3 over IPv4");
      }
    }
    if (preempt.isPresent() && track.isPresent() && !preempt.get() && track.get().hasWeights()) {
      n.warning(
          "preempt",
          "false with track weights: a lowered priority does not move the VIP while preempt is"
              + " false (only weight 0, which means FAULT, does)");
    }
    if (preemptDelay.isPresent() && !preemptDelay.get().isZero()) {
      if (initial.orElse(null) == InitialState.MASTER) {
        n.warning(
            "preempt-delay",
            "set with initial-state = master: the instance starts as master at once, the delay"
                + " only applies after it has become backup");
      }
      if (preempt.isPresent() && !preempt.get()) {
        n.warning("preempt-delay", "ignored: preempt is false");
      }
    }
    if (priority.orElse(0) == VrrpInstanceConfig.OWNER_PRIORITY
        && track.isPresent()
        && track.get().hasWeights()) {
      n.warning(
          "priority",
          "255 (address owner) is never changed by track weights (RFC 5798 section 5.2.4)");
    }
    if (n.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(
        new VrrpInstanceConfig(
            name.orElseThrow(),
            itf.orElseThrow(),
            vrid.orElseThrow(),
            priority.orElseThrow(),
            version.orElseThrow(),
            advert.orElseThrow(),
            initial.orElseThrow(),
            preempt.orElseThrow(),
            preemptDelay.orElseThrow(),
            auth.orElseThrow(),
            checksum.orElseThrow(),
            lowerPrioAdvert.orElseThrow(),
            unicast.orElseThrow(),
            vips.orElseThrow(),
            track.orElseThrow(),
            notify.orElseThrow(),
            garp.orElseThrow(),
            syncGroup));
  }

  static Optional<String> interfaceName(Node n, String key) {
    Optional<String> s = n.text(key, "an interface name such as eth0");
    if (s.isPresent() && !Addresses.isInterfaceName(s.get())) {
      n.error(
          key,
          "found "
              + Node.quoteIfNeeded(s.get())
              + ", expected an interface name of 1..15 characters without spaces, / or :");
      return Optional.empty();
    }
    return s;
  }

  private static Optional<Duration> advertInterval(Node n, Optional<VrrpVersion> version) {
    // Read loosely, then say what the version at hand accepts: that is the useful message.
    Optional<Duration> d =
        n.duration(
            "advert-interval",
            Duration.ZERO,
            Duration.ofDays(1),
            "a duration such as 1s (version 2: whole seconds) or 100ms (version 3)");
    if (d.isEmpty()) {
      return d;
    }
    Duration v = d.get();
    boolean exactMs = v.toNanos() % 1_000_000 == 0;
    long ms = v.toMillis();
    VrrpVersion ver = version.orElse(null);
    boolean v2ok = exactMs && ms % 1000 == 0 && ms >= 1000 && v.compareTo(V2_MAX) <= 0;
    boolean v3ok = exactMs && ms % 10 == 0 && ms >= 10 && v.compareTo(V3_MAX) <= 0;
    if (ver == VrrpVersion.V2 && !v2ok) {
      n.error(
          "advert-interval",
          "found "
              + Durations.format(v)
              + ", expected whole seconds 1s..255s for version 2 (VRRPv2 carries seconds; use"
              + " version 3 for sub-second adverts)");
      return Optional.empty();
    }
    if (ver == VrrpVersion.V3 && !v3ok) {
      n.error(
          "advert-interval",
          "found "
              + Durations.format(v)
              + ", expected 10ms..40.95s in steps of 10ms for version 3 (VRRPv3 carries"
              + " centiseconds)");
      return Optional.empty();
    }
    if (ver == null && !v2ok && !v3ok) {
      n.error(
          "advert-interval", "found " + Durations.format(v) + ", expected a duration 10ms..255s");
      return Optional.empty();
    }
    return d;
  }

  private static Optional<AuthenticationConfig> auth(Node a, Optional<VrrpVersion> version) {
    Optional<Boolean> pass = a.choice("type", orderedMap("none", false, "pass", true));
    int errorsBefore = a.problems().errorCount();
    Optional<String> password = a.optionalText("password", "a password");
    boolean badPassword = a.problems().errorCount() > errorsBefore;
    a.finish();
    if (pass.isEmpty() || !pass.get()) {
      if (password.isPresent() && pass.isPresent()) {
        a.warning("password", "ignored: type is none");
      }
      return Optional.empty();
    }
    if (version.orElse(VrrpVersion.V2) == VrrpVersion.V3) {
      a.error(
          "type",
          "found pass on a version 3 instance, expected none (VRRPv3 has no authentication,"
              + " RFC 5798 section 9)");
    }
    if (password.isEmpty()) {
      if (badPassword) {
        return Optional.empty();
      }
      a.error("password", "missing, expected a password of 1..8 bytes for type pass");
      return Optional.empty();
    }
    AuthenticationConfig c = new AuthenticationConfig(new Secret(password.get()));
    if (c.password().utf8().length > AuthenticationConfig.WIRE_BYTES) {
      a.warning(
          "password",
          "longer than the 8 bytes VRRPv2 carries; only its first 8 bytes are sent and compared"
              + " (as keepalived does)");
    }
    return Optional.of(c);
  }

  /**
   * Reads {@code unicast}; {@code family} is the virtual-ips' address family, which the source and
   * every peer must share (one advert carries one family).
   */
  private static Optional<UnicastConfig> unicast(Node u, Optional<IpFamily> family) {
    Optional<InetAddress> source =
        u.optionalText("source", Addresses.IP_EXPECTED).flatMap(s -> ip(u, "source", s));
    source.ifPresent(s -> checkFamily(u, u.originOf("source"), u.keyPath("source"), s, family));
    int errorsBefore = u.problems().errorCount();
    Optional<List<Node.Item>> peerItems =
        u.scalarList("peers", "a list of IPv4 or IPv6 addresses", Addresses.IP_EXPECTED);
    boolean badPeers = u.problems().errorCount() > errorsBefore;
    u.finish();
    List<InetAddress> peers = new ArrayList<>();
    for (Node.Item item : peerItems.orElse(List.of())) {
      try {
        InetAddress a = Addresses.ipLiteral(item.text());
        if (source.map(a::equals).orElse(false)) {
          u.errorAt(
              item.origin(),
              item.path(),
              "found " + item.text() + ", the source address, expected the other nodes' addresses");
        } else if (peers.contains(a)) {
          u.errorAt(
              item.origin(),
              item.path(),
              "found " + item.text() + " twice, expected each peer once");
        } else {
          checkFamily(u, item.origin(), item.path(), a, family);
        }
        peers.add(a);
      } catch (IllegalArgumentException e) {
        u.errorAt(
            item.origin(),
            item.path(),
            "found " + Node.quoteIfNeeded(item.text()) + ", expected " + e.getMessage());
      }
    }
    if (badPeers) {
      return Optional.empty();
    }
    if (peers.isEmpty()) {
      if (source.isPresent()) {
        u.error("peers", "found an empty list with a source set, expected at least one peer");
      }
      return Optional.empty();
    }
    return Optional.of(new UnicastConfig(source, peers));
  }

  private static Optional<InetAddress> ip(Node n, String key, String text) {
    try {
      return Optional.of(Addresses.ipLiteral(text));
    } catch (IllegalArgumentException e) {
      n.error(key, "found " + Node.quoteIfNeeded(text) + ", expected " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<List<VirtualIp>> virtualIps(Node n, String device) {
    Optional<List<Node.Item>> items =
        n.scalarList("virtual-ips", "\"ADDRESS[/PREFIX] [dev IF] [label L]\" strings");
    if (items.isEmpty()) {
      return Optional.empty();
    }
    if (items.get().isEmpty()) {
      n.error("virtual-ips", "found an empty list, expected at least one address");
      return Optional.empty();
    }
    List<VirtualIp> out = new ArrayList<>();
    boolean ok = true;
    for (Node.Item item : items.get()) {
      try {
        VirtualIp v = Addresses.virtualIp(item.text(), device.isEmpty() ? "eth0" : device);
        if (!out.isEmpty() && out.get(0).family() != v.family()) {
          n.errorAt(
              item.origin(),
              item.path(),
              "found an "
                  + v.family()
                  + " address, expected "
                  + out.get(0).family()
                  + " like the first one (one instance carries one family; use a second"
                  + " instance for the other)");
          ok = false;
        } else if (out.stream().anyMatch(o -> o.address().equals(v.address()))) {
          n.errorAt(
              item.origin(),
              item.path(),
              "found " + Addresses.format(v.address()) + " twice, expected each address once");
          ok = false;
        }
        out.add(v);
      } catch (IllegalArgumentException e) {
        n.errorAt(
            item.origin(),
            item.path(),
            "found " + Node.quoteIfNeeded(item.text()) + ", expected " + e.getMessage());
        ok = false;
      }
    }
    if (out.size() > MAX_VIPS) {
      n.error(
          "virtual-ips",
          "found "
              + out.size()
              + " addresses, expected at most "
              + MAX_VIPS
              + " (an advert's address count is one byte; use a second instance for more)");
      return Optional.empty();
    }
    if (ok && !out.isEmpty() && out.get(0).family() == IpFamily.IPV6 && out.size() > MAX_VIPS_V6) {
      n.warning(
          "virtual-ips",
          out.size()
              + " IPv6 addresses make an advert larger than a 1500-byte MTU (at most "
              + MAX_VIPS_V6
              + " fit): it is not sent on such a link");
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  /** The most addresses an advert carries: its count field is one byte. */
  static final int MAX_VIPS = 255;

  /** IPv6 addresses that fit one advert in 1500 bytes: (1500 - 40 - 8) / 16. */
  static final int MAX_VIPS_V6 = 90;

  private Optional<TrackConfig> track(Node t) {
    Optional<List<TrackConfig.Tracked>> checks = trackList(t, "checks", true);
    Optional<List<TrackConfig.Tracked>> interfaces = trackList(t, "interfaces", false);
    t.finish();
    if (checks.isEmpty() || interfaces.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new TrackConfig(checks.get(), interfaces.get()));
  }

  private Optional<List<TrackConfig.Tracked>> trackList(Node t, String key, boolean isCheck) {
    Optional<List<Node>> elements = t.objectList(key, trackDefaults);
    if (elements.isEmpty()) {
      return Optional.empty();
    }
    List<TrackConfig.Tracked> out = new ArrayList<>();
    boolean ok = true;
    for (Node e : elements.get()) {
      Optional<String> name =
          isCheck
              ? e.text("name", "the name of a check defined under checks")
              : interfaceName(e, "name");
      Optional<Integer> weight = e.integer("weight", -253, 253);
      e.finish();
      if (isCheck && name.isPresent() && !checkNames.contains(name.get())) {
        String hint = Suggestions.hint(name.get(), checkNames);
        e.error(
            "name",
            "found "
                + Node.quoteIfNeeded(name.get())
                + ", expected the name of a check defined under checks"
                + (checkNames.isEmpty() ? " (none is defined)" : hint));
      }
      if (e.hasErrors()) {
        ok = false;
        continue;
      }
      Optional<TrackConfig.Tracked> first =
          out.stream().filter(o -> o.name().equals(name.get())).findFirst();
      if (first.isPresent()) {
        // keepalived: "duplicate track_script chk - ignoring", the first one kept
        e.warning(
            "name",
            Node.quoteIfNeeded(name.get())
                + " is tracked already: this entry is ignored and the first one's weight ("
                + first.get().weight()
                + ") counts, as keepalived does");
      } else {
        out.add(new TrackConfig.Tracked(name.get(), weight.orElseThrow()));
      }
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  private static void checkFamily(
      Node u,
      com.typesafe.config.ConfigOrigin where,
      String path,
      InetAddress a,
      Optional<IpFamily> family) {
    IpFamily f = IpFamily.of(a);
    if (family.isPresent() && f != family.get()) {
      u.errorAt(
          where,
          path,
          "found "
              + f
              + " address "
              + Addresses.format(a)
              + ", expected an "
              + family.get()
              + " address like the virtual-ips");
    }
  }

  private static Optional<NotifyConfig> notify(Node n) {
    String expected = "a command line as one string, such as \"/etc/vipd/notify.sh master\"";
    Optional<String> master = n.optionalText("master", expected);
    Optional<String> backup = n.optionalText("backup", expected);
    Optional<String> fault = n.optionalText("fault", expected);
    Optional<String> stop = n.optionalText("stop", expected);
    Optional<String> any = n.optionalText("any", expected);
    Optional<Duration> timeout = n.duration("timeout", Duration.ofMillis(100), Duration.ofHours(1));
    for (Map.Entry<String, Optional<String>> c :
        NotifyConfig.byKey(master, backup, fault, stop, any)) {
      if (c.getValue().filter(VrrpReader::wantsAShell).isPresent()) {
        n.warning(
            c.getKey(),
            "runs without a shell: its redirections, pipes and variables reach the program as"
                + " words; for a shell, write \"/bin/sh -c '...'\"");
      }
    }
    n.finish();
    if (n.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(new NotifyConfig(master, backup, fault, stop, any, timeout.orElseThrow()));
  }

  /**
   * Whether a notify command line holds shell syntax outside quotes ({@code >>}, {@code |}, {@code
   * $VAR}) and is not already run by a shell ({@code /bin/sh -c '...'}): vipd runs it without one.
   */
  static boolean wantsAShell(String command) {
    List<String> words = ShellWords.split(command);
    if (words.size() >= 2
        && words.get(1).equals("-c")
        && List.of("sh", "bash", "dash", "ash", "zsh")
            .contains(words.get(0).substring(words.get(0).lastIndexOf('/') + 1))) {
      return false;
    }
    StringBuilder unquoted = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char ch = command.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else if (ch == '\\' && quote == '"') {
          i++;
        }
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
      } else if (ch == '\\') {
        i++;
      } else {
        unquoted.append(ch);
      }
    }
    return ShellWords.needsShell(unquoted.toString());
  }

  private static Optional<GarpConfig> garp(Node g) {
    Optional<Integer> repeat = g.integer("repeat", 1, 255);
    Optional<Duration> delay = g.duration("delay", Duration.ZERO, Duration.ofHours(1));
    Optional<Duration> refresh = g.duration("refresh", Duration.ZERO, Duration.ofDays(1));
    Optional<Integer> refreshRepeat = g.integer("refresh-repeat", 1, 255);
    g.finish();
    if (g.hasErrors()) {
      return Optional.empty();
    }
    return Optional.of(
        new GarpConfig(repeat.get(), delay.get(), refresh.get(), refreshRepeat.get()));
  }

  /** Checks between instances: unique names, VRIDs and VIPs; sync groups. */
  private static void crossCheck(List<VrrpInstanceConfig> instances, List<Node> nodes) {
    checkSyncGroups(instances, nodes);
    Map<String, VrrpInstanceConfig> byName = new HashMap<>();
    Map<String, VrrpInstanceConfig> byRouter = new HashMap<>();
    Map<InetAddress, VrrpInstanceConfig> byVip = new HashMap<>();
    for (int i = 0; i < instances.size(); i++) {
      VrrpInstanceConfig c = instances.get(i);
      Node n = nodes.get(i);
      VrrpInstanceConfig sameName = byName.putIfAbsent(c.name(), c);
      if (sameName != null) {
        n.error(
            "name", "found " + c.name() + " again, expected a name not used by another instance");
      }
      String router =
          c.interfaceName() + "/" + c.virtualRouterId() + "/" + c.version() + "/" + c.family();
      VrrpInstanceConfig sameRouter = byRouter.putIfAbsent(router, c);
      if (sameRouter != null) {
        n.error(
            "virtual-router-id",
            "found "
                + c.virtualRouterId()
                + ", expected a VRID not already used on "
                + c.interfaceName()
                + " by instance "
                + sameRouter.name()
                + " (same VRID, version "
                + c.version().wireValue()
                + " and "
                + c.family()
                + ")");
      }
      for (VirtualIp v : c.virtualIps()) {
        VrrpInstanceConfig other = byVip.putIfAbsent(v.address(), c);
        if (other != null && other != c) {
          n.error(
              "virtual-ips",
              "found "
                  + Addresses.format(v.address())
                  + ", expected an address not already held by instance "
                  + other.name());
        }
      }
    }
  }

  /**
   * A sync group of one instance keeps nothing together (keepalived ignores it, with a warning).
   * Members whose weights differ split the group's priority: one member's lowered priority does not
   * move the group, whose members become master only together, while the same weights on every
   * member (keepalived's group-level tracking) move it whole.
   */
  private static void checkSyncGroups(List<VrrpInstanceConfig> instances, List<Node> nodes) {
    Map<String, Set<List<String>>> weightsByGroup = new HashMap<>();
    Map<String, Integer> members = new HashMap<>();
    for (VrrpInstanceConfig c : instances) {
      c.syncGroup()
          .ifPresent(
              g -> {
                members.merge(g, 1, Integer::sum);
                weightsByGroup.computeIfAbsent(g, k -> new HashSet<>()).add(weights(c.track()));
              });
    }
    for (int i = 0; i < instances.size(); i++) {
      VrrpInstanceConfig c = instances.get(i);
      if (c.syncGroup().isEmpty()) {
        continue;
      }
      String group = c.syncGroup().get();
      if (members.get(group) == 1) {
        nodes
            .get(i)
            .warning(
                "sync-group", group + " has no other instance: there is nothing to keep together");
      } else if (c.track().hasWeights() && weightsByGroup.get(group).size() > 1) {
        nodes
            .get(i)
            .warning(
                "sync-group",
                "the members of sync group "
                    + group
                    + " track different weights: a priority lowered in one member does not move"
                    + " the group, whose members become MASTER only together; give every member"
                    + " the same weights, or weight 0 (FAULT)");
      }
    }
  }

  /** The weighted part of {@code track}, comparable between instances. */
  private static List<String> weights(TrackConfig track) {
    List<String> w = new ArrayList<>();
    track.checks().stream()
        .filter(t -> t.weight() != 0)
        .forEach(t -> w.add("check " + t.name() + " " + t.weight()));
    track.interfaces().stream()
        .filter(t -> t.weight() != 0)
        .forEach(t -> w.add("interface " + t.name() + " " + t.weight()));
    w.sort(null);
    return w;
  }

  /** A small insertion-ordered map so "expected one of a|b" lists values in a sensible order. */
  static <E> Map<String, E> orderedMap(String k1, E v1, String k2, E v2) {
    Map<String, E> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }
}
