package io.vipd.daemon.importer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vipd import}: translates a keepalived.conf (and optionally a haproxy.cfg) into an
 * equivalent vipd configuration in HOCON, with a comment for each directive it does not carry over
 * saying why. Pure apart from reading the input files (and small check scripts they name);
 * thread-safe.
 */
public final class ConfigImporter {

  private ConfigImporter() {}

  /**
   * Imports the given files.
   *
   * @param keepalived the keepalived.conf; includes and script files resolve relative to it
   * @param haproxyOrNull the haproxy.cfg, or null to import VRRP only
   * @return the HOCON text, the warnings (parse problems first, then keepalived, then haproxy, each
   *     in output order), and whether the result is usable; never throws for bad input
   */
  public static ImportResult importConfigs(Path keepalived, Path haproxyOrNull) {
    KeepalivedConfig kconf = KeepalivedConfigParser.parse(keepalived);
    HaproxyConfig hconf = haproxyOrNull == null ? null : HaproxyConfigParser.parse(haproxyOrNull);
    List<ParseIssue> issues = new ArrayList<>(kconf.issues());
    if (hconf != null) {
      issues.addAll(hconf.issues());
    }
    boolean readable = issues.stream().noneMatch(ParseIssue::error);

    // haproxy first: keepalived scripts that check haproxy need the frontends.
    ImportNotes haproxyNotes = new ImportNotes();
    HaproxyImporter.Result proxy =
        hconf == null ? null : new HaproxyImporter(hconf, haproxyNotes).translate();
    List<FrontendBind> binds = proxy == null ? List.of() : proxy.binds();
    ImportNotes keepalivedNotes = new ImportNotes();
    Path dir = keepalived.toAbsolutePath().normalize().getParent();
    KeepalivedImporter.Result vrrp =
        new KeepalivedImporter(kconf, dir, binds, keepalivedNotes).translate();

    HoconObject root = HoconObject.block();
    header(root, keepalived, haproxyOrNull, issues, readable);
    vrrp.headerComments().forEach(root::comment);
    if (vrrp.instances().isEmpty()) {
      copyComments(vrrp.instances(), root);
    } else {
      root.put("vrrp", HoconObject.block().put("instances", vrrp.instances()));
    }
    if (vrrp.checks().hasMembers()) {
      root.put("checks", vrrp.checks());
    } else {
      vrrp.checks().items().stream()
          .filter(i -> i instanceof HoconObject.Comment)
          .forEach(i -> root.comment(((HoconObject.Comment) i).text()));
    }
    if (proxy != null) {
      proxy.headerComments().forEach(root::comment);
      if (proxy.proxy() != null) {
        root.put("proxy", proxy.proxy());
      }
    }
    List<String> warnings = new ArrayList<>();
    issues.forEach(i -> warnings.add(i.toString()));
    warnings.addAll(keepalivedNotes.warnings());
    warnings.addAll(haproxyNotes.warnings());
    boolean usable = readable && (vrrp.instanceCount() > 0 || !binds.isEmpty());
    return new ImportResult(HoconWriter.write(root), warnings, usable);
  }

  private static void header(
      HoconObject root, Path keepalived, Path haproxy, List<ParseIssue> issues, boolean readable) {
    String sources =
        keepalived.getFileName() + (haproxy == null ? "" : " and " + haproxy.getFileName());
    root.comment("vipd configuration written by 'vipd import' from " + sources + ".");
    root.comment(
        "Review every 'not carried over', 'changed' and 'review' comment, then run vipd check.");
    if (!readable) {
      root.comment("THE INPUT COULD NOT BE READ CORRECTLY; this output is incomplete:");
      issues.stream().filter(ParseIssue::error).forEach(i -> root.comment(i.toString()));
    }
    // Warnings too (an include that matched nothing leaves part of the input out): the output
    // alone must tell the reader what it lacks.
    issues.stream().filter(i -> !i.error()).forEach(i -> root.comment(i.toString()));
  }

  private static void copyComments(HoconArray from, HoconObject to) {
    from.items().stream()
        .filter(i -> i instanceof HoconArray.Comment)
        .forEach(i -> to.comment(((HoconArray.Comment) i).text()));
  }
}
