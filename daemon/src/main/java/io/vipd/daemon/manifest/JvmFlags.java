package io.vipd.daemon.manifest;

import java.util.List;

/**
 * The JVM flags vipd ships with, chosen by {@code bench/footprint/run.sh}: the serial collector and
 * a small heap cut the idle RSS of the JVM defaults by about a fifth (94 to 76 MiB) for a daemon
 * with a few threads and little garbage; C2 stays on because the proxy's relay loop is hot code
 * ({@code -XX:TieredStopAtLevel=1} would save another 15 MiB).
 *
 * <p>The last four come from {@code bench/load} (RSS per idle proxied connection): glibc keeps the
 * memory the JIT compilers and a burst of accepts freed, and returning it every 5 s took vipd from
 * 1.10 to 0.86 of haproxy's RSS per idle connection on JDK 25; compact object headers (JDK 25)
 * shrink every object by 4 bytes. The trim flag was experimental in its first backports (17.0.9,
 * 21.0.1) and compact headers are experimental on JDK 24, hence the unlock; JDKs that lack them
 * altogether skip them ({@code IgnoreUnrecognizedVMOptions}), so the one list starts on 17 and 25
 * alike. {@code JvmFlagsTest} checks on the running JDK that each flag it knows is in effect, since
 * that option would also hide a misspelt flag.
 *
 * <p>The same string is in {@code bin/vipd}, {@code systemd/vipd.service} and {@code
 * systemd/cds-archive.sh} (a test keeps them equal).
 */
public final class JvmFlags {

  /** The flags, in order. */
  public static final List<String> DEFAULT =
      List.of(
          "-XX:+UseSerialGC",
          "-Xms16m",
          "-Xmx128m",
          "-XX:MaxMetaspaceSize=96m",
          "-XX:+ExitOnOutOfMemoryError",
          "-XX:+UnlockExperimentalVMOptions",
          "-XX:TrimNativeHeapInterval=5000",
          "-XX:+IgnoreUnrecognizedVMOptions",
          "-XX:+UseCompactObjectHeaders");

  private JvmFlags() {}
}
