package io.vipd.daemon.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The {@code /stats} page, like haproxy's stats page: one self-contained HTML document (inline CSS
 * and script, no external resources) that polls {@code /status} every second and renders the VRRP
 * instances, frontends and servers. The page carries no data itself, so it is served without the
 * token; the script sends the token (from {@code ?token=} or a form) to {@code /status}.
 */
final class StatsPage {

  private static final String RESOURCE = "stats.html";
  private static final String HTML = load();

  private StatsPage() {}

  /** The page, {@code text/html; charset=utf-8}. */
  static String html() {
    return HTML;
  }

  private static String load() {
    try (InputStream in = StatsPage.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " missing from the daemon jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
