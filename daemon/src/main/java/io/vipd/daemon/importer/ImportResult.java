package io.vipd.daemon.importer;

import java.util.List;

/**
 * What {@link ConfigImporter#importConfigs} produced.
 *
 * @param hocon the vipd configuration, HOCON text with a comment for every directive that was not
 *     carried over; never null, possibly only comments when nothing was usable
 * @param warnings one line per directive not carried over, changed on the way, or unreadable, each
 *     starting with {@code file:line:}, in the order of the output
 * @param usable true when the output holds at least one VRRP instance or proxy frontend and the
 *     input files could be read without errors; {@code vipd import} exits 1 otherwise
 */
public record ImportResult(String hocon, List<String> warnings, boolean usable) {

  public ImportResult {
    warnings = List.copyOf(warnings);
  }
}
