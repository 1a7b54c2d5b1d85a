package io.vipd.proxy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event for assertions. */
final class RecordingEvents implements ProxyEvents {
  record Closed(String frontend, String server, CloseReason reason, long bytesIn, long bytesOut) {}

  record ConnectFailure(String backend, String server, boolean timedOut) {}

  final List<String> accepted = new CopyOnWriteArrayList<>();
  final List<String> refused = new CopyOnWriteArrayList<>();
  final List<String> connected = new CopyOnWriteArrayList<>();
  final List<ConnectFailure> connectFailures = new CopyOnWriteArrayList<>();
  final List<TimeoutKind> timeouts = new CopyOnWriteArrayList<>();
  final ConcurrentLinkedQueue<Closed> closed = new ConcurrentLinkedQueue<>();

  /** Thrown once by the next {@link #onConnectionAccepted}, if set. */
  volatile RuntimeException failNextAccept;

  @Override
  public void onConnectionAccepted(String frontend, InetSocketAddress client) {
    RuntimeException fail = failNextAccept;
    if (fail != null) {
      failNextAccept = null;
      throw fail;
    }
    accepted.add(frontend);
  }

  @Override
  public void onConnectionRefused(String frontend, InetSocketAddress client) {
    refused.add(frontend);
  }

  @Override
  public void onServerConnected(String backend, String server, long connectNanos) {
    connected.add(server);
  }

  @Override
  public void onConnectFailed(String backend, String server, boolean timedOut, Throwable cause) {
    connectFailures.add(new ConnectFailure(backend, server, timedOut));
  }

  @Override
  public void onTimeout(String frontend, TimeoutKind kind) {
    timeouts.add(kind);
  }

  @Override
  public void onConnectionClosed(
      String frontend,
      String server,
      CloseReason reason,
      long bytesIn,
      long bytesOut,
      long durationNanos) {
    closed.add(new Closed(frontend, server, reason, bytesIn, bytesOut));
  }
}
