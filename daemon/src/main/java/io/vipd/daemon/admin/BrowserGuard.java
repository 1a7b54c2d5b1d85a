package io.vipd.daemon.admin;

import com.sun.net.httpserver.Headers;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Refuses what a web browser may send on a web page's behalf, which neither vipd's commands nor
 * curl, scrapers or probes send: a change ({@code POST}) with an {@code Origin} header, which any
 * page can make a browser send to a loopback port without asking (no CORS preflight for a simple
 * POST); and, when no token is set, a request addressed by a name other than {@code localhost}: a
 * page whose name was rebound to 127.0.0.1 (DNS rebinding) could read {@code /status} as its own.
 * With a token set, a page cannot send it, so only the first rule applies.
 */
final class BrowserGuard {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+(%[^\\]]+)?\\]");

  /** The loopback names of Debian's and RHEL's /etc/hosts, which no web page can be served at. */
  private static final java.util.Set<String> LOOPBACK_NAMES =
      java.util.Set.of(
          "localhost",
          "localhost.",
          "localhost.localdomain",
          "localhost6",
          "localhost6.localdomain6",
          "ip6-localhost",
          "ip6-loopback");

  private BrowserGuard() {}

  /** Why the request is refused, if it is. */
  static Optional<String> refusal(String method, Headers headers, boolean tokenRequired) {
    boolean reads = method.equals("GET") || method.equals("HEAD");
    if (!reads && headers.getFirst("Origin") != null) {
      return Optional.of(
          "forbidden: a web page's request (it has an Origin header) cannot change vipd; use"
              + " vipd's commands or curl");
    }
    String host = headers.getFirst("Host");
    if (!tokenRequired && host != null && !addressedDirectly(host)) {
      return Optional.of(
          "forbidden: without admin.token, vipd answers requests addressed to an IP address or"
              + " localhost only (a name may have been rebound to this address by a web page)");
    }
    return Optional.empty();
  }

  /** Whether a Host header names an IP address or localhost, with or without a port. */
  static boolean addressedDirectly(String host) {
    String h = host.strip();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && IPV6.matcher(h.substring(0, end + 1)).matches() && portOnly(h, end + 1);
    }
    int colon = h.indexOf(':');
    String name = colon < 0 ? h : h.substring(0, colon);
    if (colon >= 0 && !portOnly(h, colon)) {
      return false;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return IPV4.matcher(name).matches() || LOOPBACK_NAMES.contains(lower);
  }

  /** Whether what follows {@code from} in {@code h} is nothing or {@code :<digits>}. */
  private static boolean portOnly(String h, int from) {
    String rest = h.substring(from);
    return rest.isEmpty() || rest.matches(":\\d{1,5}");
  }
}
