package io.vipd.proxy;

import io.netty.channel.EventLoop;

/**
 * One proxied connection, whichever transport relays it ({@link EpollSession} on Linux, {@link
 * ProxySession} over Netty's NIO channels elsewhere): what the rest of the proxy may ask of it.
 */
interface RelaySession {
  /** The loop the session runs on. */
  EventLoop eventLoop();

  /** Closes the session at once, dropping what is queued. Thread-safe. */
  void closeFromAnyThread(CloseReason why);

  /**
   * Its turn in the backend's queue has come: it tries for a server again, on its loop, and then
   * ends the turn. Thread-safe.
   */
  void takeTurnFromAnyThread(BackendQueue queue);
}
