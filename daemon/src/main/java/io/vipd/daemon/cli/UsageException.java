package io.vipd.daemon.cli;

/** A command line that does not parse; the CLI prints it with the usage and exits 2. */
final class UsageException extends Exception {

  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
