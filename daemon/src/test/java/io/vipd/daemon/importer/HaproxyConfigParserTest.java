package io.vipd.daemon.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxyConfigParserTest {

  @Test
  void sectionsLinesAndQuoting() {
    HaproxyConfig c =
        HaproxyConfigParser.parse(
            String.join(
                "\n",
                "# leading comment",
                "global",
                "  maxconn 100   # trailing",
                "",
                "defaults",
                "  timeout client 1m",
                "frontend fe",
                "  bind *:8443",
                "  http-request set-header X \"a b # c\" 'd\\e' f\\ g",
                "backend be",
                "  server s1 10.0.0.1:6443 check"),
            "haproxy.cfg");
    assertFalse(c.hasErrors(), c.issues()::toString);
    assertEquals(
        List.of("global", "defaults", "frontend", "backend"),
        c.sections().stream().map(HaproxySection::type).toList());
    HaproxySection global = c.sections().get(0);
    assertEquals(List.of("maxconn", "100"), global.lines().get(0).words());
    assertEquals(new SourceLocation("haproxy.cfg", 3), global.lines().get(0).where());
    HaproxySection fe = c.sections().get(2);
    assertEquals("fe", fe.name());
    assertEquals(
        List.of("http-request", "set-header", "X", "a b # c", "d\\e", "f g"),
        fe.lines().get(1).words());
    assertEquals(11, c.sections().get(3).lines().get(0).where().line());
  }

  @Test
  void directiveBeforeAnySectionAndUnterminatedQuoteAreErrors() {
    HaproxyConfig c =
        HaproxyConfigParser.parse(Fixtures.read("errors/bad-haproxy.cfg"), "bad-haproxy.cfg");
    assertTrue(c.hasErrors());
    assertEquals(
        List.of(
            "bad-haproxy.cfg:1: error: 'maxconn' appears before any section",
            "bad-haproxy.cfg:4: error: unterminated quoted string (opened with \")"),
        c.issues().stream().map(ParseIssue::toString).toList());
  }
}
