package io.vipd.daemon.config;

import java.util.regex.Pattern;

/**
 * The characters a frontend, backend or server name may have: haproxy's (letters, digits, {@code
 * -}, {@code _}, {@code .} and {@code :}). The names are written bare where operators type them:
 * the stats socket ({@code disable server api/n1}), {@code vipd server drain api/n1}, the admin
 * endpoint's paths and haproxy's CSV. A space, a slash or a comma there split one name into two,
 * and the operation silently meant another server, or none.
 */
final class ProxyNames {
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.:-]+");

  private ProxyNames() {}

  static boolean allowed(String name) {
    return ALLOWED.matcher(name).matches();
  }

  /** The problem's text for a name that is not {@link #allowed}. */
  static String problem(String name, String what) {
    return "found \""
        + name
        + "\", expected "
        + what
        + " of letters, digits and - _ . : only (as haproxy allows; the stats socket and vipd's"
        + " commands take names unquoted)";
  }
}
