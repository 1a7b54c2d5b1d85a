package io.vipd.daemon.reload;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action on every SIGHUP, through {@code sun.misc.Signal} (module jdk.unsupported, present
 * in every OpenJDK). It is reached by reflection because javac flags any direct use of it as
 * internal proprietary API, a warning that cannot be suppressed and that our {@code -Werror} build
 * refuses.
 *
 * <p>The JVM calls the handler on a thread of its own per signal; the action is expected to
 * serialize itself ({@link Reloader#reload()} does).
 */
public final class HangupSignal {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.reload");

  private HangupSignal() {}

  /**
   * Installs {@code action} as the SIGHUP handler.
   *
   * @return a description of the failure if the handler could not be installed (the JVM lacks
   *     {@code sun.misc.Signal}, or runs with {@code -Xrs}); empty on success
   */
  public static Optional<String> install(Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object hup = signalClass.getConstructor(String.class).newInstance("HUP");
      InvocationHandler invocation =
          (Object proxy, Method method, Object[] args) -> {
            switch (method.getName()) {
              case "handle":
                run(action);
                return null;
              case "hashCode":
                return System.identityHashCode(proxy);
              case "equals":
                return proxy == args[0];
              case "toString":
                return "vipd SIGHUP handler";
              default:
                throw new UnsupportedOperationException(method.getName());
            }
          };
      Object handler =
          Proxy.newProxyInstance(
              HangupSignal.class.getClassLoader(), new Class<?>[] {handlerClass}, invocation);
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, hup, handler);
      return Optional.empty();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return Optional.of(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
  }

  private static void run(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.error("reload on SIGHUP failed: {}", e.toString());
    }
  }
}
