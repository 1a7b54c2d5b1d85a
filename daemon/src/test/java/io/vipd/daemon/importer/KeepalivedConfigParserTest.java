package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeepalivedConfigParserTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  @Test
  void commentsQuotesAndBracesWithLineNumbers() throws IOException {
    Path conf =
        write(
            "keepalived.conf",
            String.join(
                "\n",
                "! a comment",
                "# another",
                "vrrp_script chk{   # glued brace, trailing comment",
                "  script \"/bin/check { not a brace } # not a comment\"",
                "}",
                "vrrp_instance VI_1",
                "{",
                "  priority 101 ! trailing",
                "  virtual_ipaddress { 10.0.0.1/24 }",
                "}"));
    KeepalivedConfig c = KeepalivedConfigParser.parse(conf);
    assertEquals(List.of(), c.issues());
    assertEquals(2, c.statements().size());
    KeepalivedStatement script = c.statements().get(0);
    assertEquals("vrrp_script", script.keyword());
    assertEquals(List.of("chk"), script.args());
    assertEquals(new SourceLocation("keepalived.conf", 3), script.where());
    KeepalivedStatement line = script.block().get(0);
    assertEquals(List.of("/bin/check { not a brace } # not a comment"), line.args());
    assertEquals(4, line.where().line());

    KeepalivedStatement vi = c.statements().get(1);
    assertTrue(vi.hasBlock(), "'{' on the next line opens the block");
    assertEquals(List.of("101"), vi.block().get(0).args());
    assertEquals(8, vi.block().get(0).where().line());
    KeepalivedStatement vips = vi.block().get(1);
    assertEquals("10.0.0.1/24", vips.block().get(0).keyword());
  }

  @Test
  void anUnquotedHashOrBangStartsACommentEvenInsideAWordAsInKeepalived() throws IOException {
    // keepalived's lib/parser.c decomment(): any unquoted '#' or '!' starts a comment; "\#" and
    // "\!" are the characters themselves; quoted strings keep them.
    Path conf =
        write(
            "keepalived.conf",
            String.join(
                "\n",
                "vrrp_instance VI_1 {",
                "  auth_pass k8s#2024 more words",
                "  priority 100#x",
                "  advert_int 1!2",
                "  quoted \"a#b!c\" tail#cut",
                "  escaped a\\#b\\!c",
                "}"));
    KeepalivedConfig c = KeepalivedConfigParser.parse(conf);
    List<KeepalivedStatement> block = c.statements().get(0).block();
    assertEquals(List.of("k8s"), block.get(0).args());
    assertEquals(List.of("100"), block.get(1).args());
    assertEquals(List.of("1"), block.get(2).args());
    assertEquals(List.of("a#b!c", "tail"), block.get(3).args());
    assertEquals(List.of("a#b!c"), block.get(4).args());
    assertEquals(5, block.size(), "the comments hid no brace");
    assertEquals(4, c.issues().size(), c.issues()::toString);
    assertTrue(c.issues().stream().noneMatch(ParseIssue::error));
    assertEquals(new SourceLocation("keepalived.conf", 2), c.issues().get(0).where());
    assertTrue(c.issues().get(0).message().contains("inside a word"), c.issues()::toString);
  }

  @Test
  void includeResolvesRelativeToTheIncludingFileAndExpandsGlobsInOrder() throws IOException {
    write("conf.d/b.conf", "vrrp_script b {\n  script \"/b\"\n}\n");
    write("conf.d/a.conf", "vrrp_script a {\n  script \"/a\"\n}\ninclude ../more/x.conf\n");
    write("more/x.conf", "vrrp_script x {\n}\n");
    write("conf.d/skip.txt", "garbage {{{\n");
    Path conf =
        write(
            "keepalived.conf",
            "include conf.d/*.conf\nvrrp_instance VI {\n  include inner.conf\n}\n");
    write("inner.conf", "priority 7\n");
    KeepalivedConfig c = KeepalivedConfigParser.parse(conf);
    assertEquals(List.of(), c.issues());
    List<String> names =
        c.statements().stream().map(s -> s.keyword() + " " + s.arg(0).orElse("")).toList();
    assertEquals(
        List.of("vrrp_script a", "vrrp_script x", "vrrp_script b", "vrrp_instance VI"), names);
    assertEquals(
        new SourceLocation("conf.d/b.conf", 1), c.statements().get(2).where(), "file:line kept");
    KeepalivedStatement prio = c.statements().get(3).block().get(0);
    assertEquals("priority", prio.keyword(), "include inside a block");
    assertEquals(new SourceLocation("inner.conf", 1), prio.where());
  }

  @Test
  void includeOfMissingFileIsAWarningAndALoopIsAnError() throws IOException {
    write("loop.conf", "include keepalived.conf\n");
    Path conf = write("keepalived.conf", "include nothere.conf\ninclude loop.conf\n");
    KeepalivedConfig c = KeepalivedConfigParser.parse(conf);
    assertEquals(2, c.issues().size(), c.issues()::toString);
    ParseIssue missing = c.issues().get(0);
    assertFalse(missing.error());
    assertEquals(new SourceLocation("keepalived.conf", 1), missing.where());
    ParseIssue loop = c.issues().get(1);
    assertTrue(loop.error());
    assertEquals(
        "loop.conf:1: error: include loop: keepalived.conf includes itself", loop.toString());
  }

  @Test
  void absoluteIncludeIsReadFromTheCopyBesideTheGivenFile() throws IOException {
    write("conf.d/a.conf", "vrrp_script a {\n  script \"/a\"\n}\n");
    Path conf = write("keepalived.conf", "include /etc/keepalived/conf.d/*.conf\n");
    KeepalivedConfig c = KeepalivedConfigParser.parse(conf);
    assertEquals(List.of("vrrp_script"), c.statements().stream().map(s -> s.keyword()).toList());
    assertEquals(new SourceLocation("conf.d/a.conf", 1), c.statements().get(0).where());
    assertEquals(1, c.issues().size(), c.issues()::toString);
    assertFalse(c.issues().get(0).error());
    assertEquals(
        "keepalived.conf:1: warning: include /etc/keepalived/conf.d/*.conf read from"
            + " conf.d/*.conf beside the given keepalived.conf (review that it is the node's"
            + " copy)",
        c.issues().get(0).toString());
  }

  @Test
  void absoluteIncludeWithAGlobForAFileNameNeverTakesTheGivenFileItself() throws IOException {
    Path conf =
        write("keepalived.conf", "include /nonexistent-vipd-test/*.conf\nvrrp_script s {\n}\n");
    KeepalivedConfig c = KeepalivedConfigParser.parse(conf);
    assertFalse(c.hasErrors(), "no include loop: " + c.issues());
    assertEquals(1, c.statements().size());
  }

  @Test
  void missingClosingBraceIsReportedWhereTheBlockOpened() throws IOException {
    Path conf = write("k.conf", "global_defs {\n}\nvrrp_instance VI_1 {\n  interface eth0\n");
    KeepalivedConfig c = KeepalivedConfigParser.parse(conf);
    assertTrue(c.hasErrors());
    assertEquals(
        "k.conf:3: error: missing '}' for the block of vrrp_instance opened here",
        c.issues().get(0).toString());
  }

  @Test
  void strayBracesAndUnterminatedQuotesAreErrorsWithTheirLine() throws IOException {
    Path conf = write("k.conf", "a {\n}\n}\n{\nvrrp_script s {\n script \"/x\n}\n");
    KeepalivedConfig c = KeepalivedConfigParser.parse(conf);
    assertEquals(
        List.of(
            "k.conf:6: error: unterminated quoted string",
            "k.conf:3: error: unexpected '}' without a matching '{'",
            "k.conf:4: error: unexpected '{' without a directive"),
        c.issues().stream().map(ParseIssue::toString).toList());
  }

  @Test
  void unreadableTopLevelFileIsAnErrorNotAnException() {
    KeepalivedConfig c = KeepalivedConfigParser.parse(dir.resolve("absent.conf"));
    assertTrue(c.hasErrors());
    assertTrue(c.issues().get(0).message().startsWith("cannot read absent.conf"));
    assertEquals(List.of(), c.statements());
  }
}
