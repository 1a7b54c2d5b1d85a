package io.vipd.daemon.importer;

import java.util.Optional;

/**
 * A haproxy {@code bind} or {@code server} address turned into vipd's {@code host:port} form. IPv6
 * hosts are bracketed; the wildcard {@code *} or an empty host becomes {@code 0.0.0.0}, or {@code
 * [::]} after {@code ipv6@}. Pure.
 *
 * @param host {@code 0.0.0.0}, {@code [::]}, an address or a host name
 * @param port 1..65535
 */
record HaproxyAddress(String host, int port) {

  /**
   * The outcome of reading an address.
   *
   * @param address the address, if it could be read
   * @param problem why it could not, when it could not
   */
  record Parsed(Optional<HaproxyAddress> address, String problem) {

    static Parsed ok(HaproxyAddress a) {
      return new Parsed(Optional.of(a), "");
    }

    static Parsed fail(String why) {
      return new Parsed(Optional.empty(), why);
    }
  }

  /** {@code host:port}. */
  String text() {
    return host + ":" + port;
  }

  /**
   * Reads one address.
   *
   * @param wildcardHost true for bind addresses, where {@code *} and an empty host mean any
   */
  static Parsed parse(String raw, boolean wildcardHost) {
    String s = raw;
    if (s.contains("$")) {
      return Parsed.fail("environment variables are not expanded by the importer; write the value");
    }
    boolean ipv6 = s.startsWith("ipv6@");
    if (ipv6 || s.startsWith("ipv4@")) {
      s = s.substring(5);
    } else if (s.startsWith("unix@") || s.startsWith("abns@") || s.startsWith("/")) {
      return Parsed.fail("vipd's proxy uses TCP sockets only");
    } else if (s.contains("@")) {
      return Parsed.fail("address family prefix not supported by vipd");
    }
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
        return Parsed.fail("no port");
      }
      host = s.substring(0, close + 1);
      port = s.substring(close + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        return Parsed.fail("no port (haproxy would use the client's destination port)");
      }
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
      if (host.contains(":")) {
        host = "[" + host + "]";
      }
    }
    if (wildcardHost && (host.isEmpty() || host.equals("*"))) {
      host = ipv6 ? "[::]" : "0.0.0.0"; // ipv6@ makes haproxy's wildcard the IPv6 one
    } else if (host.isEmpty() || host.equals("*")) {
      return Parsed.fail("no host");
    }
    if (host.equals("[::]") || host.equals("[::0]")) {
      host = "[::]";
    }
    if (!port.matches("[0-9]{1,5}")) {
      return Parsed.fail(
          "port '" + port + "' is not a single port (ranges and offsets unsupported)");
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) {
      return Parsed.fail("port " + p + " out of range");
    }
    return Parsed.ok(new HaproxyAddress(host, p));
  }
}
