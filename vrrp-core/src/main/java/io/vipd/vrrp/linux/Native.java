package io.vipd.vrrp.linux;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** The loaded libc and helpers around it: errno, native buffers. Thread-safe. */
public final class Native {

  private static final LibC LIBC = load();
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  private Native() {}

  /** The libc binding. */
  public static LibC libc() {
    return LIBC;
  }

  /** errno saved by the last call on this thread. */
  public static int errno() {
    return LastError.getLastError(RUNTIME);
  }

  /** strerror text for an errno value. */
  public static String describe(int errno) {
    String text = LIBC.strerror(errno);
    return (text == null ? "error" : text) + " (errno " + errno + ")";
  }

  /** Zeroed native memory, freed when unreachable. */
  static Pointer allocate(int size) {
    return Memory.allocateDirect(RUNTIME, size, true);
  }

  /** Native memory holding a copy of {@code bytes}. */
  static Pointer copyOf(byte[] bytes) {
    Pointer p = allocate(Math.max(1, bytes.length));
    p.put(0, bytes, 0, bytes.length);
    return p;
  }

  private static LibC load() {
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      throw new UnsupportedOperationException("the Linux adapters need Linux, not " + os);
    }
    LibC libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
    if (Runtime.getRuntime(libc).addressSize() != 8) {
      throw new UnsupportedOperationException("the Linux adapters support 64-bit Linux only");
    }
    return libc;
  }
}
