package io.vipd.daemon.importer;

import java.util.List;

/**
 * A parsed haproxy.cfg.
 *
 * @param sections sections in file order
 * @param issues problems found while reading; any error means the file is not understood
 */
public record HaproxyConfig(List<HaproxySection> sections, List<ParseIssue> issues) {

  public HaproxyConfig {
    sections = List.copyOf(sections);
    issues = List.copyOf(issues);
  }

  public boolean hasErrors() {
    return issues.stream().anyMatch(ParseIssue::error);
  }
}
