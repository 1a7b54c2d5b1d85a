package io.vipd.daemon.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed command line: the command word and its {@code --name value} / {@code --name=value}
 * options. Flags without a value ({@code --help}) are listed separately. Positional arguments after
 * the command are refused unless the command maps them to an option.
 *
 * @param command the first word, e.g. {@code run}
 * @param options option name (without dashes) to its values, in order given
 * @param flags value-less options given
 */
record CliArgs(String command, Map<String, List<String>> options, Set<String> flags) {

  /**
   * @param valued options of this command that take a value
   * @param flagNames options of this command that take none
   */
  static CliArgs parse(String[] args, Set<String> valued, Set<String> flagNames)
      throws UsageException {
    return parse(args, valued, flagNames, null);
  }

  /**
   * As {@link #parse(String[], Set, Set)}, taking positional arguments as values of the option
   * {@code positionalAs} ({@code vipd check a.conf b.conf} is {@code --config a.conf --config
   * b.conf}); null refuses them.
   */
  static CliArgs parse(
      String[] args, Set<String> valued, Set<String> flagNames, String positionalAs)
      throws UsageException {
    if (args.length == 0) {
      throw new UsageException("no command given");
    }
    Map<String, List<String>> options = new LinkedHashMap<>();
    Set<String> flags = new java.util.LinkedHashSet<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        if (a.equals("-h")) {
          flags.add("help");
          continue;
        }
        if (positionalAs != null && !a.startsWith("-")) {
          options.computeIfAbsent(positionalAs, k -> new ArrayList<>()).add(a);
          continue;
        }
        throw new UsageException("unexpected argument \"" + a + "\"");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flagNames.contains(name)) {
        if (value != null) {
          throw new UsageException("--" + name + " takes no value");
        }
        flags.add(name);
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = args[++i];
        }
        if (value.isEmpty()) {
          throw new UsageException("--" + name + " needs a non-empty value");
        }
        options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        throw new UsageException("unknown option --" + name + " for " + args[0]);
      }
    }
    return new CliArgs(args[0], options, flags);
  }

  List<String> values(String name) {
    return options.getOrDefault(name, List.of());
  }
}
