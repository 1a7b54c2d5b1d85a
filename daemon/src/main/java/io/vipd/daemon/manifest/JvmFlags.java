package io.vipd.daemon.manifest;

import java.util.List;

/**
 * The JVM flags vipd ships with, chosen by {@code bench/footprint/run.sh}: the serial collector and
 * a small heap cut the idle RSS of the JVM defaults by about a fifth (94 to 76 MiB) for a daemon
 * with a few threads and little garbage; C2 stays on because the proxy's relay loop is hot code
 * ({@code -XX:TieredStopAtLevel=1} would save another 15 MiB). The same string is in {@code
 * bin/vipd}, {@code systemd/vipd.service} and {@code systemd/cds-archive.sh} (a test keeps them
 * equal).
 */
public final class JvmFlags {

  /** The flags, in order. */
  public static final List<String> DEFAULT =
      List.of(
          "-XX:+UseSerialGC",
          "-Xms16m",
          "-Xmx128m",
          "-XX:MaxMetaspaceSize=96m",
          "-XX:+ExitOnOutOfMemoryError");

  private JvmFlags() {}
}
