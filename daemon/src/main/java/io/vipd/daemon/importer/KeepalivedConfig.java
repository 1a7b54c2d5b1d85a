package io.vipd.daemon.importer;

import java.util.List;

/**
 * A parsed keepalived configuration with its includes spliced in.
 *
 * @param statements top-level statements in file order
 * @param issues problems found while reading, in file order; any error means the structure is not
 *     known for sure
 */
public record KeepalivedConfig(List<KeepalivedStatement> statements, List<ParseIssue> issues) {

  public KeepalivedConfig {
    statements = List.copyOf(statements);
    issues = List.copyOf(issues);
  }

  /** True when any issue is an error. */
  public boolean hasErrors() {
    return issues.stream().anyMatch(ParseIssue::error);
  }
}
