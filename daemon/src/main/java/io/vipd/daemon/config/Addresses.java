package io.vipd.daemon.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parsing of addresses as written in the file. Never touches DNS: literals are parsed, names are
 * only checked for syntax. Each parser throws {@link IllegalArgumentException} whose message is the
 * "expected ..." half of a problem; the readers catch it.
 */
public final class Addresses {

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Pattern HOSTNAME =
      Pattern.compile(
          "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
  private static final Pattern INTERFACE = Pattern.compile("[^\\s/:]{1,15}");

  static final String IP_EXPECTED = "an IPv4 or IPv6 address";

  private Addresses() {}

  /**
   * An IPv4 dotted quad or an IPv6 literal, without DNS.
   *
   * @throws IllegalArgumentException when {@code s} is not such a literal (a name, {@code
   *     10.0.0.256}, the short form {@code 10.1})
   */
  public static InetAddress ipLiteral(String s) {
    String t = s.trim();
    try {
      if (IPV4.matcher(t).matches()) {
        return InetAddress.getByName(t);
      }
      if (t.contains(":") && IPV6_CHARS.matcher(t).matches()) {
        // Brackets make the JDK parse strictly and never fall back to a DNS lookup.
        return InetAddress.getByName("[" + t + "]");
      }
    } catch (UnknownHostException e) {
      // falls through to the common message
    }
    throw new IllegalArgumentException(IP_EXPECTED);
  }

  /** Text form of an address; IPv6 compressed as RFC 5952 recommends ({@code fd00::2}). */
  static String format(InetAddress a) {
    if (a instanceof Inet4Address) {
      return a.getHostAddress();
    }
    byte[] b = a.getAddress();
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      w[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(w[i]));
    }
    return sb.toString();
  }

  static boolean isHostname(String s) {
    return HOSTNAME.matcher(s).matches()
        && !s.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }

  /** Linux interface names: 1..15 bytes, no whitespace, slash or colon. */
  static boolean isInterfaceName(String s) {
    return INTERFACE.matcher(s).matches() && !s.equals(".") && !s.equals("..");
  }

  /**
   * {@code host:port} or {@code [v6]:port}.
   *
   * @param allowNames whether the host may be a DNS name rather than an IP literal
   * @param minPort 0 where "any free port" makes sense, else 1
   */
  static HostPort hostPort(String s, boolean allowNames, int minPort) {
    String hostKind = allowNames ? "host" : "ip";
    String expected = hostKind + ":port with a port " + minPort + "..65535";
    String t = s.trim();
    String host;
    String port;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(expected);
      }
      host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (rest.isEmpty()) {
        throw new IllegalArgumentException(expected + " (the port is missing)");
      }
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException(expected);
      }
      port = rest.substring(1);
      ipLiteral(host);
    } else {
      int colon = t.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(expected + " (the port is missing)");
      }
      if (t.indexOf(':') != colon) {
        throw new IllegalArgumentException(expected + " (write IPv6 addresses as [addr]:port)");
      }
      host = t.substring(0, colon);
      port = t.substring(colon + 1);
      boolean literal;
      try {
        ipLiteral(host);
        literal = true;
      } catch (IllegalArgumentException e) {
        literal = false;
      }
      if (!literal && !(allowNames && isHostname(host))) {
        throw new IllegalArgumentException(expected);
      }
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(expected);
    }
    if (p < minPort || p > 65535) {
      throw new IllegalArgumentException(expected);
    }
    return new HostPort(host, p);
  }

  /**
   * A VIP as keepalived writes it: {@code ADDR[/PREFIX] [dev IF] [label LABEL]}.
   *
   * @param defaultDevice the instance's interface
   */
  static VirtualIp virtualIp(String spec, String defaultDevice) {
    String expected = "\"ADDRESS[/PREFIX] [dev INTERFACE] [label LABEL]\"";
    String[] words = spec.trim().split("\\s+");
    if (words.length == 0 || words[0].isEmpty()) {
      throw new IllegalArgumentException(expected);
    }
    String addr = words[0];
    Integer prefix = null;
    int slash = addr.indexOf('/');
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(addr.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(expected + " with a numeric prefix length");
      }
      addr = addr.substring(0, slash);
    }
    InetAddress ip;
    try {
      ip = ipLiteral(addr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(expected + " starting with " + IP_EXPECTED);
    }
    int maxPrefix = ip instanceof Inet4Address ? 32 : 128;
    if (prefix == null) {
      prefix = maxPrefix;
    } else if (prefix < 0 || prefix > maxPrefix) {
      throw new IllegalArgumentException("a prefix length 0.." + maxPrefix);
    }
    String dev = defaultDevice;
    Optional<String> label = Optional.empty();
    for (int i = 1; i < words.length; i += 2) {
      if (i + 1 >= words.length) {
        throw new IllegalArgumentException(expected + " (\"" + words[i] + "\" needs a value)");
      }
      switch (words[i]) {
        case "dev" -> {
          if (!isInterfaceName(words[i + 1])) {
            throw new IllegalArgumentException("an interface name of 1..15 characters after dev");
          }
          dev = words[i + 1];
        }
        case "label" -> label = Optional.of(words[i + 1]);
        default ->
            throw new IllegalArgumentException(
                expected + " (only dev and label are supported after the address)");
      }
    }
    if (label.isPresent()) {
      String l = label.get();
      if (!(ip instanceof Inet4Address)) {
        throw new IllegalArgumentException("no label on an IPv6 address (Linux labels IPv4 only)");
      }
      if (l.length() > 15 || !(l.equals(dev) || l.startsWith(dev + ":"))) {
        throw new IllegalArgumentException(
            "a label of at most 15 characters starting with \"" + dev + ":\"");
      }
    }
    return new VirtualIp(ip, prefix, dev, label);
  }
}
