package io.netty.channel.unix;

import java.io.IOException;
import java.net.ConnectException;
import java.util.HashMap;
import java.util.Map;

/**
 * The errno behind a failure of Netty's native layer. A failed connect(2) is thrown as a plain
 * {@link ConnectException} whose message ends in Netty's text for the errno ({@code connect(..)
 * failed: Cannot assign requested address}, in the process's locale), so the errno is found by that
 * text, as Netty itself writes it for each errno.
 */
public final class RelayErrnos {
  private static final String FAILED = "(..) failed: ";

  /** Netty's text of each errno that a connect can fail with as a plain ConnectException. */
  private static volatile Map<String, Integer> connectErrnos;

  private RelayErrnos() {}

  /**
   * The (positive) errno of {@code failure}, a failure of Netty's native layer, or 0 if it carries
   * none that can be told. Needs the native layer loaded (as it is once a socket failed).
   */
  public static int errno(Throwable failure) {
    if (failure instanceof Errors.NativeIoException e) {
      return Math.abs(e.expectedErr());
    }
    if (failure != null && failure.getClass() == ConnectException.class) {
      String m = failure.getMessage();
      int at = m == null ? -1 : m.indexOf(FAILED);
      if (at >= 0) {
        return byText().getOrDefault(m.substring(at + FAILED.length()), 0);
      }
    }
    return 0;
  }

  private static Map<String, Integer> byText() {
    Map<String, Integer> m = connectErrnos;
    if (m == null) {
      m = new HashMap<>();
      for (int errno = 1; errno < 134; errno++) {
        try {
          Errors.handleConnectErrno("connect", -errno);
        } catch (ConnectException e) {
          if (e.getClass() == ConnectException.class && e.getMessage() != null) {
            int at = e.getMessage().indexOf(FAILED);
            if (at >= 0) {
              m.putIfAbsent(e.getMessage().substring(at + FAILED.length()), errno);
            }
          }
        } catch (IOException | RuntimeException e) {
          // another kind of failure for this errno: never a plain ConnectException
        }
      }
      connectErrnos = m;
    }
    return m;
  }
}
