package io.vipd.daemon.reload;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action on every delivery of a signal (SIGHUP: reload; SIGUSR1: a state dump, as
 * keepalived writes one), through {@code sun.misc.Signal} (module jdk.unsupported, present in every
 * OpenJDK). A signal with no handler would take the JVM's default action, which for SIGUSR1 ends
 * the process at once: no priority-0 advert, no VIP removed, no drain. It is reached by reflection
 * because javac flags any direct use of it as internal proprietary API, a warning that cannot be
 * suppressed and that our {@code -Werror} build refuses.
 *
 * <p>The JVM calls the handler on a thread of its own per signal; the action is expected to
 * serialize itself ({@link Reloader#reload()} does).
 */
public final class OsSignal {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.reload");

  private OsSignal() {}

  /**
   * Installs {@code action} as the handler of signal {@code name} ({@code "HUP"}, {@code "USR1"}).
   *
   * @return a description of the failure if the handler could not be installed (the JVM lacks
   *     {@code sun.misc.Signal}, or runs with {@code -Xrs}); empty on success
   */
  public static Optional<String> install(String name, Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      InvocationHandler invocation =
          (Object proxy, Method method, Object[] args) -> {
            switch (method.getName()) {
              case "handle":
                run(name, action);
                return null;
              case "hashCode":
                return System.identityHashCode(proxy);
              case "equals":
                return proxy == args[0];
              case "toString":
                return "vipd SIG" + name + " handler";
              default:
                throw new UnsupportedOperationException(method.getName());
            }
          };
      Object handler =
          Proxy.newProxyInstance(
              OsSignal.class.getClassLoader(), new Class<?>[] {handlerClass}, invocation);
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
      return Optional.empty();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return Optional.of(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
  }

  private static void run(String name, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.error("handling SIG{} failed: {}", name, e.toString());
    }
  }
}
