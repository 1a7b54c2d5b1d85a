package io.vipd.daemon.cli;

import io.vipd.daemon.admin.AdminClient;
import io.vipd.daemon.admin.JsonReader;
import io.vipd.daemon.admin.StatusTable;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;

/**
 * {@code vipd status [--admin HOST:PORT] [--token T]}: fetches the running daemon's {@code /status}
 * and prints it as tables. Exit 0 when the daemon answered, 1 when it could not be reached. The
 * token may also come from the environment ({@code VIPD_TOKEN}), which keeps it out of {@code ps}.
 */
final class StatusCommand {

  static final String DEFAULT_ADMIN = "127.0.0.1:9188";
  static final String TOKEN_ENV = "VIPD_TOKEN";

  /** The variable the example config reads the daemon's token from: the CLI accepts it too. */
  static final String ADMIN_TOKEN_ENV = "VIPD_ADMIN_TOKEN";

  /** The token from the command line, else {@code VIPD_TOKEN}, else {@code VIPD_ADMIN_TOKEN}. */
  static Optional<String> token(Optional<String> given) {
    return given
        .or(() -> Optional.ofNullable(System.getenv(TOKEN_ENV)).filter(s -> !s.isEmpty()))
        .or(() -> Optional.ofNullable(System.getenv(ADMIN_TOKEN_ENV)));
  }

  private final PrintStream out;
  private final PrintStream err;

  StatusCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(Optional<String> admin, Optional<String> token) {
    String address = admin.orElse(DEFAULT_ADMIN);
    Optional<String> t = token(token);
    String body;
    try {
      body = new AdminClient(address, t.filter(s -> !s.isEmpty())).get("/status");
    } catch (IOException e) {
      err.println("vipd status: " + e.getMessage());
      return Cli.INVALID;
    }
    Object doc;
    try {
      doc = JsonReader.parse(body);
    } catch (IllegalArgumentException e) {
      err.println(
          "vipd status: " + address + " did not answer with vipd status: " + e.getMessage());
      return Cli.INVALID;
    }
    if (!(doc instanceof Map<?, ?>)) {
      err.println("vipd status: " + address + " did not answer with vipd status");
      return Cli.INVALID;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) doc;
    out.print(StatusTable.render(status));
    return Cli.OK;
  }
}
