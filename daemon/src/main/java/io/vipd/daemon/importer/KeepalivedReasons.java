package io.vipd.daemon.importer;

import java.util.Map;

/** Why a keepalived directive is not carried over, in words for the comment. Pure. */
final class KeepalivedReasons {

  static final String NO_EQUIVALENT = "vipd has no equivalent";
  private static final String GARP =
      "vipd has no equivalent; its garp { repeat, delay, refresh, refresh-repeat } covers"
          + " garp_master_*";
  private static final String GARP_INTERVAL =
      "vipd sends the announcements of a burst back to back, with no delay between messages";
  private static final String GARP_LOWER_PRIO_REPEAT =
      "vipd answers a lower-priority master with garp.repeat announcements; there is no"
          + " separate count";
  private static final String GARP_LOWER_PRIO_DELAY =
      "vipd answers a lower-priority master with one burst at once, and no delayed second one";
  private static final String GARP_EXTRA_IF =
      "it concerns VMAC interfaces, which vipd does not have (it announces on the VIP's"
          + " interface)";
  private static final String MAIL = "vipd sends no email; use notify scripts or alert on metrics";

  private static final Map<String, String> BY_KEYWORD =
      Map.ofEntries(
          Map.entry("router_id", "keepalived used it only in email and SNMP notifications"),
          Map.entry("notification_email", MAIL),
          Map.entry("notification_email_from", MAIL),
          Map.entry("smtp_server", MAIL),
          Map.entry("smtp_connect_timeout", MAIL),
          Map.entry("smtp_alert", MAIL),
          Map.entry("smtp_helo_name", MAIL),
          Map.entry("enable_script_security", "vipd runs exec checks as its own user"),
          Map.entry("script_user", "vipd runs exec checks as its own user"),
          Map.entry("vrrp_mcast_group4", "vipd uses the standard group 224.0.0.18"),
          Map.entry("vrrp_mcast_group6", "vipd uses the standard group ff02::12"),
          Map.entry("vrrp_iptables", "vipd does not manage firewall rules"),
          Map.entry("vrrp_ipsets", "vipd does not manage firewall rules"),
          Map.entry("vrrp_skip_check_adv_addr", "vipd always checks advertised addresses"),
          Map.entry("vrrp_check_unicast_src", "vipd accepts unicast adverts from its peers only"),
          Map.entry("vrrp_no_swap", "vipd is a JVM process; memory locking is not offered"),
          Map.entry("vrrp_priority", "vipd runs at normal scheduling priority"),
          Map.entry("checker_priority", "vipd runs at normal scheduling priority"),
          Map.entry("max_auto_priority", "vipd runs at normal scheduling priority"),
          Map.entry("lvs_sync_daemon", "vipd does not drive IPVS"),
          Map.entry("mcast_src_ip", "vipd sends from the interface's primary address"),
          Map.entry("use_vmac", "vipd has no VMAC interfaces; it announces the VIP with GARP"),
          Map.entry("vmac_xmit_base", "vipd has no VMAC interfaces"),
          Map.entry("dont_track_primary", "vipd always tracks the VRRP interface"),
          Map.entry("debug", "vipd logs to stdout; set its log level instead"),
          Map.entry("accept", "vipd leaves packets to virtual addresses to the kernel"),
          Map.entry("no_accept", "vipd leaves packets to virtual addresses to the kernel"),
          Map.entry("track_file", "use a vipd check with type = file or exec"),
          Map.entry("track_process", "use a vipd check with type = exec"),
          Map.entry("track_bfd", "vipd has no BFD"),
          Map.entry("virtual_routes", "vipd manages addresses only, not routes"),
          Map.entry("virtual_rules", "vipd manages addresses only, not rules"),
          Map.entry(
              "virtual_ipaddress_excluded",
              "vipd has no excluded addresses; move them to virtual_ipaddress if they should"
                  + " follow the VIP (they will then appear in adverts, and nodes whose lists"
                  + " differ ignore each other's adverts: move them on every node, keepalived's"
                  + " too, at once)"),
          Map.entry("unicast_ttl", "vipd sends with TTL 255 as the RFC requires"),
          Map.entry("notify_master_rx_lower_pri", "vipd calls notify scripts on state changes"),
          Map.entry("notify_deleted", "vipd calls notify scripts on state changes"),
          Map.entry("notify_fifo", "vipd calls notify scripts on state changes"),
          Map.entry("notify_fifo_script", "vipd calls notify scripts on state changes"),
          Map.entry("vrrp_notify_fifo", "vipd calls notify scripts on state changes"),
          Map.entry("vrrp_notify_fifo_script", "vipd calls notify scripts on state changes"),
          Map.entry("user", "vipd runs exec checks as its own user"),
          Map.entry(
              "init_fail",
              "vipd starts a check unknown (no weight) and its first result decides; an instance"
                  + " tracking it with weight 0 waits for that result, as keepalived waits in INIT"),
          Map.entry(
              "global_tracking",
              "vipd applies each instance's own tracking; a group's tracking goes to its members"),
          Map.entry("virtual_server", "vipd does not drive IPVS; use vipd's proxy instead"),
          Map.entry("virtual_server_group", "vipd does not drive IPVS"),
          Map.entry("static_ipaddress", "vipd manages virtual addresses only"),
          Map.entry("static_routes", "vipd manages virtual addresses only"),
          Map.entry("static_rules", "vipd manages virtual addresses only"),
          Map.entry("linkbeat_use_polling", "vipd follows link state through netlink"),
          Map.entry("promote_secondaries", "vipd adds and removes only its own addresses"));

  private KeepalivedReasons() {}

  /** Why {@code keyword} is not carried over. */
  static String of(String keyword) {
    String garp = keyword.startsWith("vrrp_") ? keyword.substring(5) : keyword;
    if (garp.equals("garp_interval") || garp.equals("gna_interval")) {
      return GARP_INTERVAL;
    }
    if (garp.equals("garp_lower_prio_repeat")) {
      return GARP_LOWER_PRIO_REPEAT;
    }
    if (garp.equals("garp_lower_prio_delay")) {
      return GARP_LOWER_PRIO_DELAY;
    }
    if (garp.equals("garp_extra_if") || garp.equals("vmac_garp_intvl")) {
      return GARP_EXTRA_IF;
    }
    if (garp.startsWith("garp_") || garp.startsWith("gna_")) {
      return GARP;
    }
    if (keyword.startsWith("smtp_") || keyword.startsWith("notification_")) {
      return MAIL;
    }
    return BY_KEYWORD.getOrDefault(keyword, NO_EQUIVALENT);
  }
}
