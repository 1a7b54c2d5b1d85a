package io.vipd.daemon;

import io.vipd.daemon.cli.Cli;

/** The {@code vipd} executable: runs {@link Cli} and exits with its status. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    // CONFIG.md: "logs to stdout". slf4j-simple reads these once, at its first logger.
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.out");
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
    int status = new Cli().execute(args, System.out, System.err);
    System.out.flush();
    System.err.flush();
    System.exit(status);
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
