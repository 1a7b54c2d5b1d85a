package io.vipd.daemon.demo;

/**
 * Something went wrong in the demo; the message is meant for the user as-is (no stack trace is
 * printed).
 */
final class DemoFailure extends Exception {

  private static final long serialVersionUID = 1L;

  DemoFailure(String message) {
    super(message);
  }
}
