package io.vipd.vrrp.linux;

/** Interface name to index, in the calling thread's network namespace. */
final class Interfaces {

  private Interfaces() {}

  /** if_nametoindex(3); fails with ENODEV text when the interface does not exist. */
  static int index(String interfaceName) throws SyscallException {
    int index = Native.libc().if_nametoindex(interfaceName);
    if (index == 0) {
      int errno = Native.errno();
      throw new SyscallException("if_nametoindex", "for " + interfaceName, errno == 0 ? 19 : errno);
    }
    return index;
  }
}
