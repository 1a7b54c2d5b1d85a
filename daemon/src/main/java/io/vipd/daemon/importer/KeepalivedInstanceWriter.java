package io.vipd.daemon.importer;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Writes one {@code vrrp.instances} entry from a keepalived {@code vrrp_instance} block, applying
 * keepalived's defaults and start-up corrections (priority 255 for an initial MASTER without a
 * priority; nopreempt and preempt_delay cleared for an initial MASTER). Not thread-safe.
 */
final class KeepalivedInstanceWriter {

  private static final int OWNER_PRIORITY = 255;
  private static final int DEFAULT_PRIORITY = 100;

  private final KeepalivedStatement block;
  private final KeepalivedGlobals globals;
  private final Map<String, KeepalivedScript> scripts;
  private final FateSharing fate;
  private final ImportNotes notes;
  private final List<String> comments = new ArrayList<>();
  private final KeepalivedAddressLists lists;
  private final Optional<KeepalivedSyncGroups.Membership> syncGroup;
  private final Set<String> trackedScripts;

  private String interfaceName;
  private OptionalLong vrid = OptionalLong.empty();
  private OptionalLong priority = OptionalLong.empty();
  private String state;
  private KeepalivedStatement advertInt;
  private int version;
  private KeepalivedStatement versionLine;
  private Boolean strictMode;
  private boolean ipv6;

  /** keepalived ran this IPv6 instance as VRRPv2 ("version 2" without strict mode). */
  private boolean keepalivedV2OverIpv6;

  private boolean nopreempt;
  private long preemptDelayMillis;
  private KeepalivedStatement nopreemptLine;
  private KeepalivedStatement preemptDelayLine;
  private boolean lowerPrioNoAdvert;
  private boolean checksumAsV2;
  private KeepalivedStatement authentication;
  private final HoconObject notify = HoconObject.block();
  private final KeepalivedGarp garp;
  private long writtenPriority;
  private long writtenAdvertMillis;

  KeepalivedInstanceWriter(
      KeepalivedStatement block,
      KeepalivedGlobals globals,
      Map<String, KeepalivedScript> scripts,
      FateSharing fate,
      Optional<KeepalivedSyncGroups.Membership> syncGroup,
      Set<String> trackedScripts,
      ImportNotes notes) {
    this.block = block;
    this.syncGroup = syncGroup;
    this.trackedScripts = Set.copyOf(trackedScripts);
    this.globals = globals;
    this.scripts = scripts;
    this.fate = fate;
    this.notes = notes;
    this.version = globals.vrrpVersion;
    this.lowerPrioNoAdvert = globals.lowerPrioNoAdvert || globals.strict;
    this.checksumAsV2 = globals.v3ChecksumAsV2;
    this.lists = new KeepalivedAddressLists(notes, comments);
    this.garp = globals.garp.copy();
  }

  String name() {
    return block.arg(0).orElse("");
  }

  /**
   * Writes the instance into {@code instances}.
   *
   * @return true when the instance was written; false when it lacked what vipd needs (a comment
   *     saying so is written instead)
   */
  boolean write(HoconArray instances) {
    for (KeepalivedStatement st : block.block()) {
      read(st);
    }
    String missing =
        interfaceName == null
            ? "it has no interface"
            : vrid.isEmpty() ? "it has no valid virtual_router_id (1..255)" : null;
    if (missing != null) {
      comments.forEach(instances::comment);
      instances.comment(notes.dropped(block.where(), block.text(), missing));
      return false;
    }
    ipv6 = lists.ipv6();
    HoconObject out = HoconObject.block();
    comments.forEach(out::comment);
    ipv6Version(out);
    out.put("name", name());
    out.put("interface", interfaceName);
    out.put("virtual-router-id", vrid.getAsLong());
    syncGroup.ifPresent(g -> out.put("sync-group", g.name()));
    writeStateAndTiming(out);
    garp.write(out);
    writeAuthentication(out);
    lists.writeUnicast(out);
    lists.writeVirtualIps(out, interfaceName);
    lists.writeTrack(
        out,
        scripts,
        fate.tracksFor(trackedScripts, writtenPriority, !nopreempt, writtenAdvertMillis),
        syncGroup);
    if (notify.hasMembers()) {
      out.put("notify", notify);
    }
    instances.add(out);
    return true;
  }

  /** strict_mode of the instance, else vrrp_strict of global_defs. */
  private boolean strict() {
    return strictMode != null ? strictMode : globals.strict;
  }

  /**
   * An IPv6 instance runs VRRPv3: keepalived ignores the global vrrp_version for it, and turns an
   * instance's own "version 2" into 3 in strict mode. Without strict mode keepalived would send
   * VRRPv2 over IPv6, which vipd does not speak (vipd check refuses version 2 with IPv6).
   */
  private void ipv6Version(HoconObject out) {
    if (!ipv6 || version == 3) {
      return;
    }
    version = 3;
    if (versionLine == null) {
      if (globals.vrrpVersionLine != null) {
        out.comment(
            "version 3: an IPv6 instance; keepalived ignores "
                + globals.vrrpVersionLine.text()
                + " ("
                + globals.vrrpVersionLine.where()
                + ") for IPv6 and runs VRRPv3, and so does vipd");
      }
      return;
    }
    if (strict()) {
      out.comment(
          "version 3: an IPv6 instance; in strict mode keepalived runs '"
              + versionLine.text()
              + "' ("
              + versionLine.where()
              + ") as VRRPv3, and so does vipd");
      return;
    }
    keepalivedV2OverIpv6 = true;
    out.comment(
        notes.changed(
            versionLine.where(),
            versionLine.text(),
            "keepalived sends VRRPv2 over IPv6 for this instance (non-standard; only without"
                + " strict mode); vipd speaks VRRPv2 over IPv4 only and uses version 3: change"
                + " the keepalived nodes of this group to version 3 too, or they and this node"
                + " will not hear each other"));
  }

  private void read(KeepalivedStatement st) {
    switch (st.keyword()) {
      case "interface":
        interfaceName = st.arg(0).orElse(null);
        break;
      case "virtual_router_id":
        vrid = KeepalivedScript.integer(st, notes, null, 1, 255);
        break;
      case "priority":
        priority = KeepalivedScript.integer(st, notes, null, 1, 255);
        if (priority.isEmpty()) {
          comments.add(notes.dropped(st.where(), st.text(), "expected 1..255"));
        }
        break;
      case "state":
        state = st.arg(0).orElse("").toUpperCase(Locale.ROOT);
        break;
      case "advert_int":
        advertInt = st;
        break;
      case "version":
        version = st.arg(0).orElse("").equals("3") ? 3 : 2;
        versionLine = st;
        break;
      case "nopreempt":
        nopreempt = true;
        nopreemptLine = st;
        break;
      case "preempt":
        nopreempt = false;
        break;
      case "preempt_delay":
        preemptDelayLine = st;
        preemptDelayMillis = Durations.keepalivedSeconds(st.arg(0).orElse("")).orElse(0);
        break;
      case "lower_prio_no_advert":
        lowerPrioNoAdvert = KeepalivedGlobals.flag(st);
        break;
      case "strict_mode":
        strictMode = KeepalivedGlobals.flag(st);
        lowerPrioNoAdvert |= strictMode;
        break;
      case "v3_checksum_as_v2":
        checksumAsV2 = KeepalivedGlobals.flag(st);
        break;
      case "authentication":
        authentication = st;
        break;
      case "notify_master":
      case "notify_backup":
      case "notify_fault":
      case "notify_stop":
      case "notify":
        String key = st.keyword().equals("notify") ? "any" : st.keyword().substring(7);
        // keepalived: notify_* SCRIPT [username [groupname]], the script (with its arguments)
        // quoted as one word; what follows it names the user to run it as, not arguments
        List<String> args = st.args();
        if (args.isEmpty()) {
          comments.add(notes.dropped(st.where(), st.text(), "no script named"));
          break;
        }
        notify.put(key, args.get(0));
        if (args.size() > 1) {
          comments.add(
              notes.changed(
                  st.where(),
                  st.text(),
                  "keepalived ran it as user "
                      + String.join(":", args.subList(1, args.size()))
                      + "; vipd runs notify scripts as its own user"));
        }
        break;
      default:
        if (!lists.read(st) && !garp.read(st, false, notes, comments)) {
          comments.add(notes.dropped(st.where(), st.text(), KeepalivedReasons.of(st.keyword())));
        }
    }
  }

  private void writeStateAndTiming(HoconObject out) {
    boolean master = "MASTER".equals(state);
    long prio = priority.orElse(master ? OWNER_PRIORITY : DEFAULT_PRIORITY);
    if (priority.isEmpty() && master) {
      out.comment("no priority: keepalived makes an initial MASTER the address owner (255)");
    }
    if (state == null && prio == OWNER_PRIORITY) {
      master = true;
    }
    if (master && strict() && prio != OWNER_PRIORITY) {
      // keepalived: "State MASTER must match being address owner", set to BACKUP before the
      // rest of the instance is judged, so its nopreempt stays
      out.comment(
          "state MASTER below priority 255 under strict mode: keepalived starts it as BACKUP,"
              + " and so keeps its nopreempt");
      master = false;
    }
    if ((master || prio == OWNER_PRIORITY) && nopreempt) {
      out.comment(
          notes.changed(
              nopreemptLine.where(),
              "nopreempt",
              "keepalived clears nopreempt for an initial MASTER or the address owner, so vipd preempts too"));
      nopreempt = false;
    }
    if (preemptDelayLine != null && (master || strict() || nopreempt)) {
      out.comment(
          notes.dropped(
              preemptDelayLine.where(),
              preemptDelayLine.text(),
              "keepalived ignores preempt_delay "
                  + (master
                      ? "for an initial MASTER"
                      : strict()
                          ? "in strict mode (vrrp_strict, strict_mode)"
                          : "with nopreempt")));
      preemptDelayMillis = 0;
    }
    out.put("priority", prio);
    out.put("version", version);
    writtenPriority = prio;
    writtenAdvertMillis = advertIntervalMillis(out);
    out.putDuration("advert-interval", writtenAdvertMillis);
    // keepalived takes over at once only as the address owner; an initial MASTER below 255 listens
    // for a better master first, as vipd's backup does (vipd's master takes over at once)
    boolean takeOverAtOnce = master && prio == OWNER_PRIORITY;
    if (master && !takeOverAtOnce) {
      out.comment(
          "state MASTER: keepalived takes over at once only as the address owner (priority 255);"
              + " below it, it listens for a better master for about one advert interval and"
              + " then takes over; vipd's initial-state = backup listens for its"
              + " Master_Down_Interval (three intervals and a skew) first, where 'master' would"
              + " take over at once, before any check has answered");
    }
    out.putWord("initial-state", takeOverAtOnce ? "master" : "backup");
    out.put("preempt", !nopreempt);
    out.putDuration("preempt-delay", preemptDelayMillis);
    if (version == 3 && !ipv6) {
      // The IPv4 pseudo-header question does not arise over IPv6.
      out.putWord("checksum-mode", checksumAsV2 ? "rfc9568" : "pseudo-header");
    }
    out.put("lower-priority-advert", !lowerPrioNoAdvert);
  }

  private long advertIntervalMillis(HoconObject out) {
    if (advertInt == null) {
      return 1000;
    }
    // Plain digits only: new BigDecimal("1e300000000") is accepted, and rounding it hangs.
    BigDecimal seconds = Durations.plainDecimal(advertInt.arg(0).orElse("")).orElse(null);
    if (seconds == null) {
      out.comment(
          notes.dropped(
              advertInt.where(), advertInt.text(), "not a plain decimal number; 1s is used"));
      return 1000;
    }
    long centis = seconds.movePointRight(2).setScale(0, java.math.RoundingMode.HALF_UP).longValue();
    if (version == 2) {
      long whole = Math.max(1, Math.min(255, (centis + 50) / 100));
      if (whole * 100 != centis) {
        out.comment(
            notes.changed(
                advertInt.where(),
                advertInt.text(),
                "VRRPv2 advertises whole seconds; " + whole + "s is used"));
      }
      return whole * 1000;
    }
    long clamped = Math.max(1, Math.min(4095, centis));
    if (clamped * 10 != seconds.movePointRight(3).longValue()) {
      out.comment(
          notes.changed(
              advertInt.where(),
              advertInt.text(),
              "VRRPv3 advertises 0.01s to 40.95s in 0.01s steps; "
                  + Durations.hocon(clamped * 10)
                  + " is used"));
    }
    return clamped * 10;
  }

  private void writeAuthentication(HoconObject out) {
    if (authentication == null) {
      return;
    }
    String type = "";
    String pass = null;
    KeepalivedStatement passLine = null;
    for (KeepalivedStatement st : authentication.block()) {
      if (st.keyword().equals("auth_type")) {
        type = st.arg(0).orElse("").toUpperCase(Locale.ROOT);
      } else if (st.keyword().equals("auth_pass")) {
        pass = st.arg(0).orElse("");
        passLine = st;
      }
    }
    if (strict()) {
      out.comment(
          notes.dropped(
              authentication.where(),
              "authentication",
              "keepalived ignores it in strict mode ('Strict mode does not support"
                  + " authentication'), so its adverts carry none, and vipd sends none either"));
      return;
    }
    if (version == 3 && keepalivedV2OverIpv6) {
      out.comment(
          notes.dropped(
              authentication.where(),
              "authentication",
              "keepalived used it: it ran this IPv6 instance as VRRPv2 (version 2 without strict"
                  + " mode) with auth_type "
                  + type
                  + "; vipd runs it as VRRPv3, which has no authentication (RFC 5798): remove it"
                  + " from the keepalived nodes when they move to version 3"));
      return;
    }
    if (version == 3) {
      out.comment(
          notes.dropped(
              authentication.where(),
              "authentication",
              "VRRPv3 has no authentication (RFC 5798); keepalived ignores it too"));
      return;
    }
    if (!type.equals("PASS") || pass == null) {
      out.comment(
          notes.dropped(
              authentication.where(),
              "authentication auth_type " + type,
              "vipd supports PASS only (AH is not supported): keepalived peers that still use AH"
                  + " will not accept vipd's adverts; remove AH from every node"));
      return;
    }
    if (pass.isEmpty()) {
      out.comment(
          notes.dropped(
              passLine.where(),
              passLine.text(),
              "no password: keepalived ignores the authentication ('no password given'), so vipd"
                  + " sends none either"));
      return;
    }
    if (passLine.cut()) {
      // Not the password itself: the note goes to the terminal as well.
      out.comment(
          notes.changed(
              passLine.where(),
              "auth_pass",
              "the password holds an unquoted '#' or '!', where keepalived starts a comment: the"
                  + " password keepalived uses (and vipd now) is only the "
                  + pass.length()
                  + " characters before it, not what is written. Keep it so while keepalived nodes"
                  + " remain; to use the whole text, quote it on every node at once"));
    }
    if (pass.length() > 8) {
      out.comment(
          notes.changed(
              authentication.where(),
              "auth_pass",
              "VRRPv2 carries 8 password bytes; keepalived used the first 8, and so does this"));
      pass = pass.substring(0, 8);
    }
    out.put("authentication", HoconObject.inline().putWord("type", "pass").put("password", pass));
  }
}
