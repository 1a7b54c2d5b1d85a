package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Renders a {@link HoconObject} tree as HOCON text, two spaces per level. Pure. */
final class HoconWriter {

  private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final String INDENT = "  ";

  private HoconWriter() {}

  /** The members of {@code root} at the top level, without surrounding braces. */
  static String write(HoconObject root) {
    StringBuilder out = new StringBuilder();
    writeMembers(root, 0, out);
    return out.toString();
  }

  /** A key as HOCON source: bare when safe, otherwise quoted so dots do not split it. */
  static String key(String key) {
    return BARE_KEY.matcher(key).matches() ? key : HoconValue.quote(key);
  }

  private static void writeMembers(HoconObject object, int depth, StringBuilder out) {
    for (HoconObject.Item item : object.items()) {
      indent(depth, out);
      if (item instanceof HoconObject.Comment c) {
        out.append("# ").append(c.text()).append('\n');
      } else if (item instanceof HoconObject.Member m) {
        out.append(key(m.key()));
        if (m.value() instanceof HoconObject) {
          out.append(' ');
        } else {
          out.append(" = ");
        }
        writeValue(m.value(), depth, out);
        out.append('\n');
      }
    }
  }

  private static void writeValue(HoconNode value, int depth, StringBuilder out) {
    if (value instanceof HoconValue v) {
      out.append(v.text());
    } else if (value instanceof HoconObject o) {
      writeObject(o, depth, out);
    } else if (value instanceof HoconArray a) {
      writeArray(a, depth, out);
    }
  }

  private static void writeObject(HoconObject o, int depth, StringBuilder out) {
    if (o.isInline()) {
      List<String> parts = new ArrayList<>();
      for (HoconObject.Item item : o.items()) {
        HoconObject.Member m = (HoconObject.Member) item;
        StringBuilder part = new StringBuilder(key(m.key())).append(" = ");
        writeValue(m.value(), depth, part);
        parts.add(part.toString());
      }
      out.append(parts.isEmpty() ? "{}" : "{ " + String.join(", ", parts) + " }");
      return;
    }
    out.append("{\n");
    writeMembers(o, depth + 1, out);
    indent(depth, out);
    out.append('}');
  }

  private static void writeArray(HoconArray a, int depth, StringBuilder out) {
    if (a.isInline()) {
      List<String> parts = new ArrayList<>();
      for (HoconArray.Item item : a.items()) {
        parts.add(((HoconValue) ((HoconArray.Element) item).value()).text());
      }
      out.append('[').append(String.join(", ", parts)).append(']');
      return;
    }
    out.append("[\n");
    for (HoconArray.Item item : a.items()) {
      indent(depth + 1, out);
      if (item instanceof HoconArray.Comment c) {
        out.append("# ").append(c.text()).append('\n');
      } else if (item instanceof HoconArray.Element e) {
        writeValue(e.value(), depth + 1, out);
        out.append('\n');
      }
    }
    indent(depth, out);
    out.append(']');
  }

  private static void indent(int depth, StringBuilder out) {
    out.append(INDENT.repeat(depth));
  }
}
