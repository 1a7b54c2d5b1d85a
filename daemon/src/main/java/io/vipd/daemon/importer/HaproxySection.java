package io.vipd.daemon.importer;

import java.util.List;

/**
 * A haproxy section: {@code global}, {@code defaults}, {@code frontend}, {@code backend}, {@code
 * listen} or any other section keyword, with its directive lines.
 *
 * @param type the section keyword, e.g. {@code backend}
 * @param name the section name, or {@code ""} when it has none (global, unnamed defaults)
 * @param header the header line itself (so extra header words such as an old-style listen address
 *     are not lost)
 * @param lines the directives of the section, in file order
 */
public record HaproxySection(
    String type, String name, HaproxyLine header, List<HaproxyLine> lines) {

  public HaproxySection {
    lines = List.copyOf(lines);
  }

  public SourceLocation where() {
    return header.where();
  }
}
