package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An ordered HOCON array whose elements may be preceded by comment lines. Not thread-safe. */
final class HoconArray implements HoconNode {

  /** An element or a comment line, in document order. */
  sealed interface Item permits Element, Comment {}

  record Element(HoconNode value) implements Item {}

  record Comment(String text) implements Item {}

  private final List<Item> items = new ArrayList<>();

  HoconArray add(HoconNode value) {
    items.add(new Element(value));
    return this;
  }

  HoconArray add(String value) {
    return add(HoconValue.string(value));
  }

  HoconArray comment(String text) {
    items.add(new Comment(text));
    return this;
  }

  boolean isEmpty() {
    return items.stream().noneMatch(i -> i instanceof Element);
  }

  /** True when the array fits on one line: only scalars, no comments. */
  boolean isInline() {
    return items.stream().allMatch(i -> i instanceof Element e && e.value() instanceof HoconValue);
  }

  List<Item> items() {
    return Collections.unmodifiableList(items);
  }
}
