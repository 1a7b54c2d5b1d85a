package io.vipd.daemon.importer;

import io.vipd.daemon.importer.KeepalivedTokenizer.Token;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a keepalived.conf into {@link KeepalivedStatement}s: braces, comments ({@code #}, {@code
 * !}), quoted strings, and {@code include} (relative to the including file, globs allowed, sorted),
 * each statement keeping its file and line. Bad input is reported as {@link ParseIssue}s, never
 * thrown. Stateless and thread-safe.
 */
public final class KeepalivedConfigParser {

  /** keepalived itself limits include nesting; a loop must not recurse forever. */
  static final int MAX_INCLUDE_DEPTH = 8;

  private static final String GIVEN_FILE = "the given keepalived.conf";

  private KeepalivedConfigParser() {}

  /**
   * Parses {@code file} and everything it includes.
   *
   * @return the statements and the problems found; a missing or unreadable top-level file is an
   *     error issue, not an exception
   */
  public static KeepalivedConfig parse(Path file) {
    Path root = file.toAbsolutePath().normalize().getParent();
    List<ParseIssue> issues = new ArrayList<>();
    List<List<Token>> lines = new ArrayList<>();
    readFile(file, root, 0, new HashSet<>(), lines, issues, null);
    return new KeepalivedConfig(build(lines, issues), issues);
  }

  /** Parses text that did not come from a file; {@code include} resolves against {@code dir}. */
  static KeepalivedConfig parse(String text, String name, Path dir) {
    List<ParseIssue> issues = new ArrayList<>();
    List<List<Token>> lines = new ArrayList<>();
    splice(
        KeepalivedTokenizer.tokenize(text, name, issues),
        dir,
        dir,
        0,
        new HashSet<>(),
        lines,
        issues);
    return new KeepalivedConfig(build(lines, issues), issues);
  }

  private static void readFile(
      Path file,
      Path root,
      int depth,
      Set<Path> stack,
      List<List<Token>> out,
      List<ParseIssue> issues,
      SourceLocation includedFrom) {
    Path abs = file.toAbsolutePath().normalize();
    String name = SourceLocation.displayName(root, abs);
    if (!stack.add(abs)) {
      issues.add(ParseIssue.error(includedFrom, "include loop: " + name + " includes itself"));
      return;
    }
    Optional<String> text = SourceFiles.readText(abs, SourceFiles.MAX_CONFIG_BYTES);
    if (text.isEmpty()) {
      SourceLocation where = includedFrom != null ? includedFrom : new SourceLocation(name, 0);
      issues.add(
          ParseIssue.error(where, "cannot read " + name + " (missing, unreadable, or not text)"));
    } else {
      List<List<Token>> lines = KeepalivedTokenizer.tokenize(text.get(), name, issues);
      splice(lines, abs.getParent(), root, depth, stack, out, issues);
    }
    stack.remove(abs);
  }

  /** Copies lines to {@code out}, replacing each {@code include} line by the included lines. */
  private static void splice(
      List<List<Token>> lines,
      Path dir,
      Path root,
      int depth,
      Set<Path> stack,
      List<List<Token>> out,
      List<ParseIssue> issues) {
    for (List<Token> line : lines) {
      Token first = line.get(0);
      if (!first.is("include")) {
        out.add(line);
        continue;
      }
      if (line.size() < 2) {
        issues.add(ParseIssue.error(first.where(), "include without a file name"));
        continue;
      }
      if (depth >= MAX_INCLUDE_DEPTH) {
        issues.add(
            ParseIssue.error(first.where(), "includes nested deeper than " + MAX_INCLUDE_DEPTH));
        continue;
      }
      for (Token pattern : line.subList(1, line.size())) {
        include(pattern, dir, root, depth, stack, out, issues);
      }
    }
  }

  private static void include(
      Token pattern,
      Path dir,
      Path root,
      int depth,
      Set<Path> stack,
      List<List<Token>> out,
      List<ParseIssue> issues) {
    List<Path> files = List.of();
    List<String> looked = new ArrayList<>();
    try {
      // An absolute include names the node's own tree (/etc/keepalived/...): look for a copy
      // beside the given keepalived.conf first, as for script files, then at the path itself.
      for (String candidate : SourceFiles.includeCandidates(root, pattern.text())) {
        files = SourceFiles.expandInclude(dir, candidate);
        if (!files.isEmpty()) {
          if (!candidate.equals(pattern.text())) {
            issues.add(
                ParseIssue.warning(
                    pattern.where(),
                    "include "
                        + pattern.text()
                        + " read from "
                        + SourceLocation.displayName(root, Path.of(candidate))
                        + " beside "
                        + GIVEN_FILE
                        + " (review that it is the node's copy)"));
          }
          break;
        }
        if (!candidate.equals(pattern.text())) {
          looked.add(SourceLocation.displayName(root, Path.of(candidate)));
        }
      }
    } catch (IOException | RuntimeException e) {
      issues.add(ParseIssue.warning(pattern.where(), "cannot expand include " + pattern.text()));
      return;
    }
    if (files.isEmpty()) {
      // keepalived logs and carries on when an include matches nothing.
      String where =
          looked.isEmpty()
              ? ""
              : " (looked there and beside "
                  + GIVEN_FILE
                  + " as "
                  + String.join(", ", looked)
                  + ")";
      issues.add(
          ParseIssue.warning(
              pattern.where(),
              "include matches no file: "
                  + pattern.text()
                  + where
                  + "; whatever it defines is missing from this import"));
    }
    for (Path f : files) {
      readFile(f, root, depth + 1, stack, out, issues, pattern.where());
    }
  }

  /** Builds the statement tree from token lines; unbalanced braces become errors. */
  private static List<KeepalivedStatement> build(List<List<Token>> lines, List<ParseIssue> issues) {
    Deque<Frame> stack = new ArrayDeque<>();
    Frame top = new Frame(null);
    stack.push(top);
    for (List<Token> line : lines) {
      if (line.get(0).text().startsWith("@") || line.get(0).text().startsWith("$")) {
        issues.add(
            ParseIssue.warning(
                line.get(0).where(),
                "keepalived conditional or parameter line skipped: " + line.get(0).text()));
        continue;
      }
      Pending pending = null;
      for (Token t : line) {
        if (t.is("{")) {
          Frame opened = open(pending, stack.peek(), t, issues);
          pending = null;
          if (opened != null) {
            stack.push(opened);
          }
        } else if (t.is("}")) {
          flush(pending, stack.peek());
          pending = null;
          if (stack.size() == 1) {
            issues.add(ParseIssue.error(t.where(), "unexpected '}' without a matching '{'"));
          } else {
            stack.pop();
          }
        } else if (pending == null) {
          pending = new Pending(t);
        } else {
          pending.args.add(t.text());
          pending.cut |= t.cut();
        }
      }
      flush(pending, stack.peek());
    }
    while (stack.size() > 1) {
      Frame unclosed = stack.pop();
      issues.add(
          ParseIssue.error(
              unclosed.owner.where,
              "missing '}' for the block of " + unclosed.owner.keyword + " opened here"));
    }
    return top.freeze();
  }

  private static Frame open(Pending pending, Frame current, Token brace, List<ParseIssue> issues) {
    Node owner;
    if (pending != null) {
      owner = pending.toNode();
      current.children.add(owner);
    } else if (!current.children.isEmpty() && !current.last().hasBlock) {
      // "{" alone on a line opens the block of the directive on the line before.
      owner = current.last();
    } else {
      issues.add(ParseIssue.error(brace.where(), "unexpected '{' without a directive"));
      return null;
    }
    owner.hasBlock = true;
    return new Frame(owner);
  }

  private static void flush(Pending pending, Frame current) {
    if (pending != null) {
      current.children.add(pending.toNode());
    }
  }

  /** A statement being read on the current line. */
  private static final class Pending {
    final Token keyword;
    final List<String> args = new ArrayList<>();
    boolean cut;

    Pending(Token keyword) {
      this.keyword = keyword;
      this.cut = keyword.cut();
    }

    Node toNode() {
      Node n = new Node(keyword.text(), args, keyword.where());
      n.cut = cut;
      return n;
    }
  }

  /** A mutable statement while its block is still open. */
  private static final class Node {
    final String keyword;
    final List<String> args;
    final SourceLocation where;
    final List<Node> children = new ArrayList<>();
    boolean hasBlock;
    boolean cut;

    Node(String keyword, List<String> args, SourceLocation where) {
      this.keyword = keyword;
      this.args = args;
      this.where = where;
    }

    KeepalivedStatement freeze() {
      List<KeepalivedStatement> block = new ArrayList<>();
      for (Node child : children) {
        block.add(child.freeze());
      }
      return new KeepalivedStatement(keyword, args, block, hasBlock, where, cut);
    }
  }

  /** An open block: the statement owning it (null at top level) and its children so far. */
  private static final class Frame {
    final Node owner;
    final List<Node> children;

    Frame(Node owner) {
      this.owner = owner;
      this.children = owner == null ? new ArrayList<>() : owner.children;
    }

    Node last() {
      return children.get(children.size() - 1);
    }

    List<KeepalivedStatement> freeze() {
      List<KeepalivedStatement> out = new ArrayList<>();
      for (Node n : children) {
        out.add(n.freeze());
      }
      return out;
    }
  }
}
