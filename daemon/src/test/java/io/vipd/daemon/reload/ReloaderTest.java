package io.vipd.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reload reports: applied, rejected with nothing changed, or partly applied. */
class ReloaderTest {

  @TempDir Path dir;

  private Path file() throws IOException {
    Path f = dir.resolve("vipd.conf");
    Files.writeString(f, "admin.enabled = false\n");
    return f;
  }

  @Test
  void aFailureAfterSomeChangesSaysWhatWasAppliedNotThatNothingChanged() throws Exception {
    Reloader r =
        new Reloader(
            file(),
            next -> {
              throw new PartialReloadException(
                  List.of("frontend api added on /127.0.0.1:8443"),
                  new IOException("VRRP instance VI_1: cannot open eth9"));
            });
    ReloadResult result = r.reload();
    assertFalse(result.ok());
    assertEquals(List.of("frontend api added on /127.0.0.1:8443"), result.changes());
    assertTrue(
        result.summary().startsWith("reload partly applied: frontend api added on"),
        result.summary());
    assertTrue(result.summary().contains("then failed: cannot apply"), result.summary());
    assertTrue(result.summary().contains("cannot open eth9"), result.summary());
    assertFalse(result.summary().contains("reload rejected"), result.summary());
  }

  @Test
  void aFailureBeforeAnyChangeIsARejection() throws Exception {
    Reloader r =
        new Reloader(
            file(),
            next -> {
              throw new IOException("frontend api: cannot bind");
            });
    ReloadResult result = r.reload();
    assertFalse(result.ok());
    assertEquals(List.of(), result.changes());
    assertTrue(result.summary().startsWith("reload rejected: cannot apply"), result.summary());
  }
}
