package io.vipd.daemon.importer;

/**
 * The {@code global_defs} values that change how instances are imported. Defaults are keepalived's:
 * VRRP version 2, lower-priority adverts answered, v3 checksum with the IPv4 pseudo-header.
 */
final class KeepalivedGlobals {

  int vrrpVersion = 2;

  /** The vrrp_version line, if there was one. */
  KeepalivedStatement vrrpVersionLine;

  boolean strict;
  boolean lowerPrioNoAdvert;
  boolean v3ChecksumAsV2;

  /** vrrp_garp_master_* and vrrp_min_garp: the defaults of every instance's garp. */
  final KeepalivedGarp garp = new KeepalivedGarp();

  /** keepalived's boolean argument: absent or true/yes/on means true. */
  static boolean flag(KeepalivedStatement st) {
    String v = st.arg(0).orElse("true").toLowerCase(java.util.Locale.ROOT);
    return v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("1");
  }
}
