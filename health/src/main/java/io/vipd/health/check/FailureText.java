package io.vipd.health.check;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Turns the exceptions of a failed probe into the short words of a {@code CheckResult} detail. */
final class FailureText {

  private static final int MAX_LENGTH = 200;

  private FailureText() {}

  static String describe(Throwable error, String phase) {
    Throwable cause = unwrap(error);
    String message = String.valueOf(cause.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    String text;
    if (cause instanceof ConnectTimeoutException) {
      text = "timeout (connect)";
    } else if (cause instanceof ConnectException) {
      text = lower.contains("refused") ? "connection refused" : "connect failed: " + message;
    } else if (cause instanceof NotSslRecordException) {
      text = "TLS handshake failed: not a TLS server";
    } else if (cause instanceof SSLException) {
      text = "TLS handshake failed: " + rootMessage(cause);
    } else if (cause instanceof ClosedChannelException) {
      text = "connection closed (" + phase + ")";
    } else if (cause instanceof IOException && lower.contains("reset")) {
      text = "connection reset (" + phase + ")";
    } else {
      text = cause.getClass().getSimpleName() + " (" + phase + "): " + message;
    }
    return bounded(text);
  }

  static String bounded(String text) {
    return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH - 3) + "...";
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof DecoderException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }
}
