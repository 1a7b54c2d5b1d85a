package io.vipd.vrrp.linux;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * One socket file descriptor and the calls made on it. Every failure becomes a {@link
 * SyscallException} naming the call and the socket's context (e.g. {@code "on eth0"}). Not
 * thread-safe.
 */
final class NativeSocket implements Closeable {

  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVBUF = 8;
  static final int SO_BINDTODEVICE = 25;
  static final int MSG_DONTWAIT = 0x40;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  private static final short POLLIN = 1;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final LibC libc = Native.libc();
  private final String context;
  private final Pointer pollFd = Native.allocate(8);
  private final Pointer timespec = Native.allocate(16);
  // volatile, and close() synchronized: a socket handed over to another owner (a VRRP socket
  // replaced after its interface was re-created) may be closed by both, and only one may close(2)
  // the number, which may belong to another descriptor right after.
  private volatile int fd;

  private NativeSocket(int fd, String context) {
    this.fd = fd;
    this.context = context;
  }

  /**
   * Opens a socket (close-on-exec).
   *
   * @param description the call as it should appear in errors, e.g. {@code "socket(AF_INET,
   *     SOCK_RAW, 112)"}
   * @param context what the socket is for, e.g. {@code "on eth0"}
   */
  static NativeSocket open(int domain, int type, int protocol, String description, String context)
      throws SyscallException {
    int fd = Native.libc().socket(domain, type | SOCK_CLOEXEC, protocol);
    if (fd < 0) {
      throw new SyscallException(description, context, Native.errno());
    }
    return new NativeSocket(fd, context);
  }

  String context() {
    return context;
  }

  /** setsockopt with an int value. */
  void setInt(int level, int option, int value, String optionName) throws SyscallException {
    Pointer p = Native.allocate(4);
    p.putInt(0, value);
    set(level, option, p, 4, optionName);
  }

  /** setsockopt with a structure (or string) value. */
  void setBytes(int level, int option, byte[] value, String optionName) throws SyscallException {
    set(level, option, Native.copyOf(value), value.length, optionName);
  }

  /** SO_BINDTODEVICE: send and receive only through {@code interfaceName}. */
  void bindToDevice(String interfaceName) throws SyscallException {
    byte[] name = (interfaceName + "\0").getBytes(StandardCharsets.US_ASCII);
    setBytes(SOL_SOCKET, SO_BINDTODEVICE, name, "SO_BINDTODEVICE");
  }

  void bind(byte[] sockaddr, String what) throws SyscallException {
    if (libc.bind(checkOpen(), Native.copyOf(sockaddr), sockaddr.length) < 0) {
      throw new SyscallException("bind(" + what + ")", context, Native.errno());
    }
  }

  /** sendto(2) of a whole datagram; a short send is an error. */
  void sendTo(byte[] data, byte[] sockaddr, String what) throws SyscallException {
    Pointer addr = sockaddr == null ? null : Native.copyOf(sockaddr);
    long n =
        libc.sendto(
            checkOpen(),
            Native.copyOf(data),
            data.length,
            0,
            addr,
            sockaddr == null ? 0 : sockaddr.length);
    if (n < 0) {
      throw new SyscallException("sendto(" + what + ")", context, Native.errno());
    }
  }

  /** sendmsg(2) of one datagram with ancillary data (a ready-made cmsg buffer). */
  void sendMsg(byte[] data, byte[] sockaddr, byte[] control, String what) throws SyscallException {
    MessageBuffers m = new MessageBuffers(data.length, sockaddr.length, control.length);
    m.data().put(0, data, 0, data.length);
    m.name().put(0, sockaddr, 0, sockaddr.length);
    m.control().put(0, control, 0, control.length);
    m.prepare(data.length, sockaddr.length, control.length);
    if (libc.sendmsg(checkOpen(), m.header(), 0) < 0) {
      throw new SyscallException("sendmsg(" + what + ")", context, Native.errno());
    }
  }

  /**
   * Waits until the socket is readable.
   *
   * @return {@code false} on timeout or when a signal interrupted the wait
   */
  boolean awaitReadable(long timeoutNanos) throws SyscallException {
    long t = Math.max(0, timeoutNanos);
    pollFd.putInt(0, checkOpen());
    pollFd.putShort(4, POLLIN);
    pollFd.putShort(6, (short) 0);
    timespec.putLong(0, t / NANOS_PER_SECOND);
    timespec.putLong(8, t % NANOS_PER_SECOND);
    int n = libc.ppoll(pollFd, 1, timespec, null);
    if (n < 0) {
      int errno = Native.errno();
      if (errno == EINTR) {
        return false;
      }
      throw new SyscallException("ppoll", context, errno);
    }
    return n > 0;
  }

  /**
   * recvmsg(2) without blocking.
   *
   * @return the datagram length, or -1 when nothing is queued
   */
  long receive(MessageBuffers buffers) throws SyscallException {
    buffers.prepareForReceive();
    long n = libc.recvmsg(checkOpen(), buffers.header(), MSG_DONTWAIT);
    if (n < 0) {
      int errno = Native.errno();
      if (errno == EAGAIN || errno == EINTR) {
        return -1;
      }
      throw new SyscallException("recvmsg", context, errno);
    }
    return n;
  }

  boolean isOpen() {
    return fd >= 0;
  }

  @Override
  public synchronized void close() throws IOException {
    if (fd < 0) {
      return;
    }
    int old = fd;
    fd = -1;
    if (libc.close(old) < 0) {
      throw new SyscallException("close", context, Native.errno());
    }
  }

  private void set(int level, int option, Pointer value, int length, String optionName)
      throws SyscallException {
    if (libc.setsockopt(checkOpen(), level, option, value, length) < 0) {
      throw new SyscallException("setsockopt(" + optionName + ")", context, Native.errno());
    }
  }

  private int checkOpen() throws SyscallException {
    if (fd < 0) {
      throw new SyscallException("use of closed socket", context, 9 /* EBADF */);
    }
    return fd;
  }
}
