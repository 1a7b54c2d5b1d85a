package io.vipd.vrrp.linux;

import java.io.IOException;

/**
 * A system call failed. The message names the call, what it was for (usually the interface) and the
 * errno text, e.g. {@code setsockopt(IP_ADD_MEMBERSHIP 224.0.0.18) on eth0: No such device (errno
 * 19)}.
 */
public final class SyscallException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int errno;

  /**
   * @param call the call and its essential argument, e.g. {@code "setsockopt(IP_TTL)"}
   * @param context what it was for, e.g. {@code "on eth0"}
   * @param errno the saved errno
   */
  public SyscallException(String call, String context, int errno) {
    super(call + " " + context + ": " + Native.describe(errno));
    this.errno = errno;
  }

  /** The errno value. */
  public int errno() {
    return errno;
  }
}
