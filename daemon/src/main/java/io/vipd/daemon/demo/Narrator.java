package io.vipd.daemon.demo;

import java.io.PrintStream;

/**
 * Tells the user what the demo does, in plain words: step headlines carry the time since the demo
 * started; details are indented below them. Main thread only.
 */
final class Narrator {

  private final PrintStream out;
  private final long start = System.nanoTime();

  Narrator(PrintStream out) {
    this.out = out;
  }

  /** A step headline, e.g. {@code [ 2.41s] stopping the master (SIGTERM)}. */
  void step(String text) {
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf("[%6.2fs] %s%n", seconds, text);
    out.flush();
  }

  /** A detail line under the current step. */
  void detail(String text) {
    out.println("          " + text);
    out.flush();
  }

  /** A line as-is (blank lines, the summary). */
  void plain(String text) {
    out.println(text);
    out.flush();
  }
}
