package io.vipd.daemon.cli;

import io.vipd.daemon.importer.ConfigImporter;
import io.vipd.daemon.importer.ImportResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code vipd import --keepalived FILE [--haproxy FILE]}: prints the equivalent vipd configuration
 * on stdout, and what was not carried over on stderr.
 */
final class ImportCommand {

  private final PrintStream out;
  private final PrintStream err;

  ImportCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(List<String> keepalived, List<String> haproxy) throws UsageException {
    if (keepalived.size() != 1 || haproxy.size() > 1) {
      throw new UsageException("import takes one --keepalived FILE and at most one --haproxy FILE");
    }
    ImportResult result =
        ConfigImporter.importConfigs(
            Path.of(keepalived.get(0)), haproxy.isEmpty() ? null : Path.of(haproxy.get(0)));
    out.print(result.hocon());
    result.warnings().forEach(w -> err.println("vipd import: " + w));
    if (!result.usable()) {
      err.println("vipd import: nothing usable could be converted");
      return Cli.INVALID;
    }
    return Cli.OK;
  }
}
