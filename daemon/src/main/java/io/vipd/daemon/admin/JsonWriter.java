package io.vipd.daemon.admin;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal streaming JSON writer (RFC 8259) for the status endpoint, so that vipd needs no JSON
 * library. Not thread-safe; one instance per document. Callers nest {@link #beginObject()} / {@link
 * #endObject()} and {@link #beginArray()} / {@link #endArray()}; inside an object every value is
 * preceded by {@link #name(String)}.
 */
public final class JsonWriter {

  private final StringBuilder out = new StringBuilder();
  private final Deque<Boolean> first = new ArrayDeque<>();
  private boolean afterName;

  /** Starts an object. */
  public JsonWriter beginObject() {
    valueSeparator();
    out.append('{');
    first.push(true);
    return this;
  }

  /** Ends the current object. */
  public JsonWriter endObject() {
    first.pop();
    out.append('}');
    return this;
  }

  /** Starts an array. */
  public JsonWriter beginArray() {
    valueSeparator();
    out.append('[');
    first.push(true);
    return this;
  }

  /** Ends the current array. */
  public JsonWriter endArray() {
    first.pop();
    out.append(']');
    return this;
  }

  /** The name of the next member of the current object. */
  public JsonWriter name(String name) {
    valueSeparator();
    string(name);
    out.append(':');
    afterName = true;
    return this;
  }

  /** A string value, or {@code null}. */
  public JsonWriter value(String value) {
    valueSeparator();
    if (value == null) {
      out.append("null");
    } else {
      string(value);
    }
    return this;
  }

  /** A number value. */
  public JsonWriter value(long value) {
    valueSeparator();
    out.append(value);
    return this;
  }

  /** A number value; NaN and infinities (not JSON) become {@code null}. */
  public JsonWriter value(double value) {
    valueSeparator();
    out.append(Double.isFinite(value) ? Double.toString(value) : "null");
    return this;
  }

  /** A boolean value. */
  public JsonWriter value(boolean value) {
    valueSeparator();
    out.append(value);
    return this;
  }

  /** Shorthand for {@code name(name).value(value)}. */
  public JsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  /** Shorthand for {@code name(name).value(value)}. */
  public JsonWriter field(String name, long value) {
    return name(name).value(value);
  }

  /** Shorthand for {@code name(name).value(value)}. */
  public JsonWriter field(String name, boolean value) {
    return name(name).value(value);
  }

  private void valueSeparator() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (!first.isEmpty()) {
      if (!first.peek()) {
        out.append(',');
      }
      first.pop();
      first.push(false);
    }
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** The document written so far. */
  @Override
  public String toString() {
    return out.toString();
  }
}
