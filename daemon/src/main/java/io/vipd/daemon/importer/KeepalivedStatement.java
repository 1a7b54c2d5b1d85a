package io.vipd.daemon.importer;

import java.util.List;
import java.util.Optional;

/**
 * One keepalived directive: a keyword, its arguments and, for block directives such as {@code
 * vrrp_instance VI_1 { ... }}, the statements inside the braces.
 *
 * @param keyword the first word, e.g. {@code priority}, or an address in {@code virtual_ipaddress}
 * @param args the remaining words of the line (quotes removed)
 * @param block statements inside braces; empty when {@code hasBlock} is false
 * @param hasBlock true when the directive was followed by a brace block
 * @param where file and line of the keyword
 * @param cut true when an unquoted {@code #} or {@code !} inside its last word began a comment, so
 *     that word is only the part before it (as keepalived reads it)
 */
public record KeepalivedStatement(
    String keyword,
    List<String> args,
    List<KeepalivedStatement> block,
    boolean hasBlock,
    SourceLocation where,
    boolean cut) {

  public KeepalivedStatement {
    args = List.copyOf(args);
    block = List.copyOf(block);
  }

  public KeepalivedStatement(
      String keyword,
      List<String> args,
      List<KeepalivedStatement> block,
      boolean hasBlock,
      SourceLocation where) {
    this(keyword, args, block, hasBlock, where, false);
  }

  /** The argument at {@code index}, if present. */
  public Optional<String> arg(int index) {
    return index < args.size() ? Optional.of(args.get(index)) : Optional.empty();
  }

  /** The directive as written, without its block: {@code keyword arg1 arg2}. */
  public String text() {
    return args.isEmpty() ? keyword : keyword + " " + String.join(" ", args);
  }
}
