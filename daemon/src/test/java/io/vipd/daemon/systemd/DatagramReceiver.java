package io.vipd.daemon.systemd;

import io.vipd.vrrp.linux.LibC;
import io.vipd.vrrp.linux.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A real AF_UNIX datagram socket bound to a path or an abstract name, playing systemd's side of
 * {@code $NOTIFY_SOCKET} in tests. Receives with a timeout ({@code SO_RCVTIMEO}).
 */
final class DatagramReceiver implements AutoCloseable {

  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int EAGAIN = 11;

  private final LibC libc = Native.libc();
  private final Runtime runtime = Runtime.getRuntime(libc);
  private final String address;
  private final int fd;

  /** Binds to {@code address} (a path, or {@code @name}); receive timeout in milliseconds. */
  DatagramReceiver(String address, long timeoutMillis) throws IOException {
    this.address = address;
    byte[] sa = UnixDatagram.sockaddrUn(address);
    fd = libc.socket(UnixDatagram.AF_UNIX, UnixDatagram.SOCK_DGRAM, 0);
    if (fd < 0) {
      throw new IOException("socket: " + Native.describe(Native.errno()));
    }
    Pointer addr = Memory.allocateDirect(runtime, sa.length, true);
    addr.put(0, sa, 0, sa.length);
    if (libc.bind(fd, addr, sa.length) < 0) {
      int errno = Native.errno();
      libc.close(fd);
      throw new IOException("bind " + address + ": " + Native.describe(errno));
    }
    Pointer tv = Memory.allocateDirect(runtime, 16, true);
    tv.putLong(0, timeoutMillis / 1000);
    tv.putLong(8, (timeoutMillis % 1000) * 1000);
    if (libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) < 0) {
      int errno = Native.errno();
      libc.close(fd);
      throw new IOException("setsockopt(SO_RCVTIMEO): " + Native.describe(errno));
    }
  }

  String address() {
    return address;
  }

  /** The next datagram as UTF-8 text, or empty after the timeout. */
  Optional<String> receive() throws IOException {
    Pointer buf = Memory.allocateDirect(runtime, 4096, true);
    long n = libc.recvfrom(fd, buf, 4096, 0, null, null);
    if (n < 0) {
      int errno = Native.errno();
      if (errno == EAGAIN) {
        return Optional.empty();
      }
      throw new IOException("recvfrom: " + Native.describe(errno));
    }
    byte[] bytes = new byte[(int) n];
    buf.get(0, bytes, 0, bytes.length);
    return Optional.of(new String(bytes, StandardCharsets.UTF_8));
  }

  /** The next datagram; fails the caller when none arrives in time. */
  String expect() throws IOException {
    return receive().orElseThrow(() -> new AssertionError("no datagram on " + address));
  }

  @Override
  public void close() throws IOException {
    libc.close(fd);
    if (!address.startsWith("@")) {
      Files.deleteIfExists(Path.of(address));
    }
  }
}
