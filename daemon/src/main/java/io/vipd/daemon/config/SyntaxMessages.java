package io.vipd.daemon.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites Typesafe Config's parse errors into vipd's "found X, expected Y" form.
 *
 * <p>The parser's own wording is sometimes wrong for HOCON users (it calls a missing {@code '}'} a
 * "close parentheses") and ends with advice about renaming the file to {@code .properties}, which
 * does not apply to vipd. Messages it does not recognise pass through with only that advice
 * removed. Stateless.
 */
final class SyntaxMessages {

  /** The parser's closing advice, which suggests quoting or a {@code .properties} file. */
  private static final Pattern ADVICE = Pattern.compile("\\s*\\(if you intended .*\\)\\s*$");

  private static final Pattern UNCLOSED_OBJECT =
      Pattern.compile("^expecting a close parentheses '\\)' here, not: (.*)$");

  private static final Pattern NEWLINE_IN_STRING =
      Pattern.compile("^Expecting a value but got wrong token: 'newline' \\(JSON does not allow.*");

  private static final Pattern WRONG_VALUE_TOKEN =
      Pattern.compile("^Expecting a value but got wrong token: (.*)$");

  private SyntaxMessages() {}

  /** The message for a parse error, without the file and line prefix. */
  static String plain(String parserMessage) {
    String m = ADVICE.matcher(parserMessage).replaceFirst("");
    if (NEWLINE_IN_STRING.matcher(m).matches()) {
      return "found the end of the line inside a quoted string, expected its closing \""
          + " on the same line (use \"\"\"...\"\"\" for text over several lines)";
    }
    Matcher unclosed = UNCLOSED_OBJECT.matcher(m);
    if (unclosed.matches()) {
      return "found "
          + unclosed.group(1)
          + ", expected '}' first: an object opened with '{' above is not closed";
    }
    Matcher wrong = WRONG_VALUE_TOKEN.matcher(m);
    if (wrong.matches()) {
      return "found " + wrong.group(1) + " where a value belongs, expected a value after the key";
    }
    return m;
  }
}
