package io.vipd.daemon.haproxycli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.CliLevel;
import io.vipd.daemon.config.ProxyConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The session rules of haproxy's CLI: one line without prompt, levels, {@code ;}, quit. */
class CliSessionTest {

  private static CliSession session(CliLevel level) {
    ProxyConfig none = new ProxyConfig(List.of(), Map.of(), 0, Duration.ZERO);
    return new CliSession(
        new CliCommands(() -> new ProxyView(none, Optional.empty()), level), level);
  }

  @Test
  void withoutPromptALineIsAnsweredWithoutAPromptAndTheSessionStaysNonInteractive() {
    CliSession s = session(CliLevel.ADMIN);
    assertEquals("\noperator\n\n", s.onLine("operator;show cli level"));
    assertFalse(s.interactive());
    assertFalse(s.ended(), "the socket closes it once the lines it sent are answered");
  }

  @Test
  void eachCommandOfALineIsAnsweredThenAnEmptyLine() {
    assertEquals(
        "admin\n\n\nuser\n\n",
        session(CliLevel.ADMIN).onLine("show cli level;user ; show cli level"));
  }

  @Test
  void promptKeepsTheSessionAndPromptsAfterEachCommandUntilQuit() {
    CliSession s = session(CliLevel.OPERATOR);
    assertEquals("\n> ", s.onLine("prompt"));
    assertTrue(s.interactive());
    assertEquals("operator\n\n> ", s.onLine("show cli level"));
    assertEquals("operator\n\n> # name\n\n> ", s.onLine("show cli level;show backend"));
    assertEquals("> ", s.onLine(""));
    assertFalse(s.ended());
    assertEquals("", s.onLine("quit"));
    assertTrue(s.ended());
  }

  @Test
  void aLineOfTooManyCommandsRunsNone() {
    CliSession s = session(CliLevel.ADMIN);
    String line = String.join(";", java.util.Collections.nCopies(101, "user"));
    assertEquals("Too many commands on one line (100 at most).\n\n", s.onLine(line));
    assertEquals(CliLevel.ADMIN, s.level(), "none of them ran");
  }

  @Test
  void theLevelCanBeLoweredNeverRaised() {
    CliSession s = session(CliLevel.USER);
    assertEquals(CliCommands.PERMISSION_DENIED + "\n", s.onLine("operator"));
    assertEquals(CliLevel.USER, s.level());
    CliSession admin = session(CliLevel.ADMIN);
    admin.onLine("prompt");
    admin.onLine("operator");
    assertEquals(CliLevel.OPERATOR, admin.level());
    assertTrue(admin.onLine("admin").startsWith("Unknown command"), "there is no way back up");
  }

  @Test
  void changesNeedAdminAndAreRefusedBeforeTheNameIsLookedUp() {
    for (String command :
        List.of(
            "disable server a/b",
            "enable server a/b",
            "set weight a/b 1",
            "set server a/b state drain",
            "set maxconn server a/b 3",
            "shutdown sessions server a/b")) {
      assertEquals(
          CliCommands.PERMISSION_DENIED + "\n",
          session(CliLevel.OPERATOR).onLine(command),
          command);
      assertEquals(
          CliCommands.NO_SUCH_BACKEND + "\n", session(CliLevel.ADMIN).onLine(command), command);
    }
  }

  @Test
  void malformedCommandsGetHaproxysAnswers() {
    CliSession s = session(CliLevel.ADMIN);
    s.onLine("prompt");
    assertEquals(CliCommands.REQUIRE_SERVER + "\n> ", s.onLine("disable server alone"));
    assertEquals(CliCommands.REQUIRE_SERVER + "\n> ", s.onLine("get weight /x"));
    assertTrue(s.onLine("frobnicate now").startsWith("Unknown command: 'frobnicate now'."));
    assertEquals("# name\n\n> ", s.onLine("show backend"));
    assertTrue(s.onLine("show stat typed").startsWith("vipd shows stat in haproxy's CSV only"));
    assertTrue(s.onLine("help").contains("set server <bk>/<srv> state <ready|drain|maint>"));
  }
}
