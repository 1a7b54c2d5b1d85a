package io.vipd.vrrp.linux;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;

/**
 * The libc calls the Linux adapters need (JDK has no raw, packet or netlink sockets), mapped with
 * jnr-ffi. Structures are passed as {@link Pointer}s to native memory laid out by {@link SockAddrs}
 * and the callers; errno is saved after each call and read with {@link Native#errno()}. Only 64-bit
 * Linux layouts are supported (checked by {@link Native}).
 */
public interface LibC {

  /** socket(2). */
  @SaveError
  int socket(int domain, int type, int protocol);

  /** bind(2). */
  @SaveError
  int bind(int fd, Pointer addr, int addrLength);

  /** setsockopt(2). */
  @SaveError
  int setsockopt(int fd, int level, int option, Pointer value, int valueLength);

  /** sendto(2). */
  @SaveError
  @ssize_t
  long sendto(int fd, Pointer buf, @size_t long length, int flags, Pointer addr, int addrLength);

  /** sendmsg(2). */
  @SaveError
  @ssize_t
  long sendmsg(int fd, Pointer msghdr, int flags);

  /** recvmsg(2). */
  @SaveError
  @ssize_t
  long recvmsg(int fd, Pointer msghdr, int flags);

  /** recvfrom(2). */
  @SaveError
  @ssize_t
  long recvfrom(
      int fd, Pointer buf, @size_t long length, int flags, Pointer addr, Pointer addrLength);

  /** ppoll(2): like poll with a nanosecond timeout. */
  @SaveError
  int ppoll(Pointer fds, @u_int64_t long count, Pointer timeout, Pointer sigmask);

  /** close(2). */
  @SaveError
  int close(int fd);

  /** if_nametoindex(3): 0 when there is no such interface (in the calling thread's namespace). */
  @SaveError
  int if_nametoindex(String name);

  /** strerror(3). */
  String strerror(int errno);
}
