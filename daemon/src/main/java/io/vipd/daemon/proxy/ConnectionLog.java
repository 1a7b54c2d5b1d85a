package io.vipd.daemon.proxy;

import io.vipd.proxy.ClosedSession;
import io.vipd.proxy.ProxyEvents;
import java.time.ZoneId;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code logging.connections = true}: one {@link TcpLogLine} per closed proxy connection, at info
 * on the {@code vipd.connections} logger. Called on the proxy's event loops; thread-safe (it only
 * formats and hands the line to the sink). The logger is written on a thread of its own ({@link
 * AsyncLines}): a stalled stdout costs log lines, never the relay.
 */
public final class ConnectionLog implements ProxyEvents, AutoCloseable {

  /** Lines that may wait for the log output: a few seconds of a busy frontend. */
  static final int QUEUED_LINES = 16_384;

  private static final Logger LOG = LoggerFactory.getLogger("vipd.connections");

  private final Consumer<String> sink;
  private final ZoneId zone;
  private final AsyncLines async;

  /** Logs to the {@code vipd.connections} logger, accept dates in the system's time zone. */
  public ConnectionLog() {
    this(new AsyncLines(LOG::info, QUEUED_LINES, "vipd-connection-log"), ZoneId.systemDefault());
  }

  /**
   * Hands each line to {@code sink} on the caller's thread (tests), accept dates in {@code zone}.
   */
  public ConnectionLog(Consumer<String> sink, ZoneId zone) {
    this.sink = sink;
    this.zone = zone;
    this.async = sink instanceof AsyncLines ? (AsyncLines) sink : null;
  }

  /** Writes the lines still queued (for up to a second), then stops writing. */
  @Override
  public void close() {
    if (async != null) {
      async.close();
    }
  }

  /** Lines dropped since start because the log output did not keep up (0 for a direct sink). */
  public long droppedLines() {
    return async == null ? 0 : async.droppedTotal();
  }

  @Override
  public boolean wantsClosedSessions() {
    return true;
  }

  @Override
  public void onSessionClosed(ClosedSession session) {
    sink.accept(TcpLogLine.format(session, zone));
  }
}
