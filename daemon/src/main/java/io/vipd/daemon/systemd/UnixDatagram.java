package io.vipd.daemon.systemd;

import io.vipd.vrrp.linux.LibC;
import io.vipd.vrrp.linux.Native;
import io.vipd.vrrp.linux.SyscallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Sends one datagram over an {@code AF_UNIX}/{@code SOCK_DGRAM} socket (JDK 17 has Unix stream
 * channels only), through vrrp-core's jnr-ffi libc binding. Stateless and thread-safe: each send
 * opens and closes its own socket, as {@code sd_notify(3)} does.
 *
 * <p>Addresses follow systemd's {@code $NOTIFY_SOCKET} convention: a file system path, or a name in
 * the Linux abstract namespace written with a leading {@code @}.
 */
final class UnixDatagram {

  static final int AF_UNIX = 1;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;

  /** {@code sizeof(sockaddr_un.sun_path)} on Linux. */
  static final int SUN_PATH_SIZE = 108;

  private UnixDatagram() {}

  /**
   * {@code struct sockaddr_un} for {@code address} and its length as passed to the kernel: for a
   * path the terminating NUL is included; for an abstract name (leading {@code @}, stored as a
   * leading NUL byte) the length covers exactly the name, because abstract names may contain any
   * byte and are not NUL-terminated.
   *
   * @throws IllegalArgumentException if the address is empty or too long
   */
  static byte[] sockaddrUn(String address) {
    byte[] name = address.getBytes(StandardCharsets.UTF_8);
    boolean isAbstract = address.startsWith("@");
    int pathLength = isAbstract ? name.length : name.length + 1;
    if (name.length == 0 || (isAbstract && name.length == 1) || pathLength > SUN_PATH_SIZE) {
      throw new IllegalArgumentException("not a usable AF_UNIX address: \"" + address + "\"");
    }
    byte[] sa = new byte[2 + pathLength];
    sa[0] = (byte) AF_UNIX; // sa_family_t, little-endian on the supported platforms
    System.arraycopy(name, 0, sa, 2, name.length);
    if (isAbstract) {
      sa[2] = 0;
    }
    return sa;
  }

  /**
   * Sends {@code payload} as one datagram to {@code address}.
   *
   * @throws IOException if the socket cannot be created or the send fails (e.g. nobody listens)
   * @throws IllegalArgumentException if the address is not usable
   */
  static void send(String address, byte[] payload) throws IOException {
    byte[] sa = sockaddrUn(address);
    LibC libc = Native.libc();
    Runtime runtime = Runtime.getRuntime(libc);
    int fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new SyscallException("socket(AF_UNIX, SOCK_DGRAM)", "for " + address, Native.errno());
    }
    try {
      Pointer addr = Memory.allocateDirect(runtime, sa.length, true);
      addr.put(0, sa, 0, sa.length);
      Pointer buf = Memory.allocateDirect(runtime, Math.max(1, payload.length), true);
      buf.put(0, payload, 0, payload.length);
      long sent = libc.sendto(fd, buf, payload.length, 0, addr, sa.length);
      if (sent < 0) {
        throw new SyscallException("sendto", "to " + address, Native.errno());
      }
      if (sent != payload.length) {
        throw new IOException("sendto to " + address + ": short datagram (" + sent + " bytes)");
      }
    } finally {
      libc.close(fd);
    }
  }
}
