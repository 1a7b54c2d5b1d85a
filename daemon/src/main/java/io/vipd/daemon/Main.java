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
    // Netty's leak detector (level SIMPLE) records a stack trace for one buffer allocation in 128:
    // 0.4 % of the proxy's event-loop time under new connections. One in 4096 still reports a
    // leak that recurs, at a thirty-second of that cost; the tests run it at paranoid (every
    // buffer) and fail on any leak. Read once, when Netty's ResourceLeakDetector loads.
    setIfAbsent("io.netty.leakDetection.samplingInterval", "4096");
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
