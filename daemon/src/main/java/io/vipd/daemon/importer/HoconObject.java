package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An ordered HOCON object with comments between its members. Members are written in insertion
 * order, so the output is deterministic. Not thread-safe.
 */
final class HoconObject implements HoconNode {

  /** A member or a comment line, in document order. */
  sealed interface Item permits Member, Comment {}

  record Member(String key, HoconNode value) implements Item {}

  record Comment(String text) implements Item {}

  private final List<Item> items = new ArrayList<>();
  private final boolean inline;

  private HoconObject(boolean inline) {
    this.inline = inline;
  }

  /** An object written over several lines. */
  static HoconObject block() {
    return new HoconObject(false);
  }

  /** An object written on one line, {@code { a = 1, b = 2 }}, unless it holds comments. */
  static HoconObject inline() {
    return new HoconObject(true);
  }

  HoconObject put(String key, HoconNode value) {
    items.add(new Member(key, value));
    return this;
  }

  HoconObject put(String key, String value) {
    return put(key, HoconValue.string(value));
  }

  /** A keyword value (enum-like), unquoted when safe. */
  HoconObject putWord(String key, String value) {
    return put(key, HoconValue.word(value));
  }

  HoconObject put(String key, long value) {
    return put(key, HoconValue.number(value));
  }

  HoconObject put(String key, boolean value) {
    return put(key, HoconValue.bool(value));
  }

  HoconObject putDuration(String key, long millis) {
    return put(key, HoconValue.duration(millis));
  }

  /** Adds a comment line before whatever member comes next (or at the end). */
  HoconObject comment(String text) {
    items.add(new Comment(text));
    return this;
  }

  boolean hasMembers() {
    return items.stream().anyMatch(i -> i instanceof Member);
  }

  boolean isInline() {
    return inline && items.stream().noneMatch(i -> i instanceof Comment);
  }

  List<Item> items() {
    return Collections.unmodifiableList(items);
  }
}
