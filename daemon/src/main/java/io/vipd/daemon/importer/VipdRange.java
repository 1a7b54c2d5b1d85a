package io.vipd.daemon.importer;

import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * One of vipd's ranges, which a value haproxy takes may pass: the importer writes the nearest value
 * vipd takes, with a note, since {@code vipd check} would refuse the value as written.
 *
 * @param what the setting in the note, e.g. {@code maxconn}
 * @param min the least value vipd takes
 * @param max the greatest value vipd takes
 * @param format writes a value in the note (a count, a duration)
 */
record VipdRange(String what, long min, long max, LongFunction<String> format) {

  /** A count: written as a number. */
  static VipdRange count(String what, long min, long max) {
    return new VipdRange(what, min, max, String::valueOf);
  }

  /** A time in milliseconds: written as a HOCON duration. */
  static VipdRange millis(String what, long min, long max) {
    return new VipdRange(what, min, max, Durations::hocon);
  }

  /**
   * {@code value}, or the nearest end of the range with a note on {@code line} given to {@code
   * comments}.
   */
  long fit(long value, HaproxyLine line, ImportNotes notes, Consumer<String> comments) {
    long kept = Math.max(min, Math.min(max, value));
    if (kept != value) {
      comments.accept(
          notes.changed(
              line.where(),
              line.text(),
              what
                  + " "
                  + format.apply(value)
                  + " is beyond vipd's range ("
                  + format.apply(min)
                  + " to "
                  + format.apply(max)
                  + "): "
                  + format.apply(kept)));
    }
    return kept;
  }
}
