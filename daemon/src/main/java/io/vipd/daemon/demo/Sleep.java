package io.vipd.daemon.demo;

import java.time.Duration;

/** Polling pause that turns an interrupt (Ctrl-C ends the demo) into a {@link DemoFailure}. */
final class Sleep {

  private Sleep() {}

  static void of(Duration d) throws DemoFailure {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoFailure("interrupted");
    }
  }
}
