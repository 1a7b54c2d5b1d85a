package io.vipd.vrrp.linux;

import jnr.ffi.Pointer;

/**
 * Native memory for one sendmsg / recvmsg: the struct msghdr, one iovec, and the data, name and
 * control buffers it points to (64-bit layout). Reused for every receive on a socket.
 */
final class MessageBuffers {

  private static final int MSGHDR_SIZE = 56;
  private static final int IOVEC_SIZE = 16;

  private final Pointer header = Native.allocate(MSGHDR_SIZE);
  private final Pointer iovec = Native.allocate(IOVEC_SIZE);
  private final Pointer data;
  private final Pointer name;
  private final Pointer control;
  private final int dataCapacity;
  private final int nameCapacity;
  private final int controlCapacity;

  MessageBuffers(int dataCapacity, int nameCapacity, int controlCapacity) {
    this.dataCapacity = dataCapacity;
    this.nameCapacity = nameCapacity;
    this.controlCapacity = controlCapacity;
    this.data = Native.allocate(Math.max(1, dataCapacity));
    this.name = Native.allocate(Math.max(1, nameCapacity));
    this.control = Native.allocate(Math.max(1, controlCapacity));
  }

  Pointer header() {
    return header;
  }

  Pointer data() {
    return data;
  }

  Pointer name() {
    return name;
  }

  Pointer control() {
    return control;
  }

  /** The name length the kernel wrote back after recvmsg. */
  int nameLength() {
    return header.getInt(8);
  }

  /** The control length the kernel wrote back after recvmsg. */
  int controlLength() {
    return (int) header.getLong(40);
  }

  /** msg_flags after recvmsg (MSG_TRUNC, MSG_CTRUNC). */
  int flags() {
    return header.getInt(48);
  }

  void prepareForReceive() {
    prepare(dataCapacity, nameCapacity, controlCapacity);
  }

  void prepare(int dataLength, int nameLength, int controlLength) {
    iovec.putPointer(0, data);
    iovec.putLong(8, dataLength);
    header.putPointer(0, nameLength == 0 ? null : name);
    header.putInt(8, nameLength);
    header.putPointer(16, iovec);
    header.putLong(24, 1);
    header.putPointer(32, controlLength == 0 ? null : control);
    header.putLong(40, controlLength);
    header.putInt(48, 0);
  }
}
