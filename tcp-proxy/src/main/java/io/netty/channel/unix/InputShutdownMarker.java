package io.netty.channel.unix;

/**
 * Records that a socket's input reached end of stream without a {@code shutdown(SHUT_RD)}.
 *
 * <p>Netty's epoll channel learns that its peer sent a FIN by reading 0 bytes, then calls {@code
 * shutdown(fd, SHUT_RD)} only so that {@link Socket#isInputShutdown()} says so. After the FIN the
 * kernel has nothing more to deliver, so the system call changes nothing on the wire: vipd's relay
 * channel records the state alone. This class lives in Netty's package because the state bits are
 * package-private there.
 */
public final class InputShutdownMarker {
  private InputShutdownMarker() {}

  /** Marks {@code socket}'s input as shut down; false if it was already, or is closed. */
  public static boolean mark(Socket socket) {
    for (; ; ) {
      int state = socket.state;
      if (FileDescriptor.isClosed(state) || FileDescriptor.isInputShutdown(state)) {
        return false;
      }
      if (socket.casState(state, FileDescriptor.inputShutdown(state))) {
        return true;
      }
    }
  }
}
