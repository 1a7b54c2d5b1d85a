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
 * formats and hands the line to the sink).
 */
public final class ConnectionLog implements ProxyEvents {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.connections");

  private final Consumer<String> sink;
  private final ZoneId zone;

  /** Logs to the {@code vipd.connections} logger, accept dates in the system's time zone. */
  public ConnectionLog() {
    this(LOG::info, ZoneId.systemDefault());
  }

  /** Hands each line to {@code sink} (tests), accept dates in {@code zone}. */
  public ConnectionLog(Consumer<String> sink, ZoneId zone) {
    this.sink = sink;
    this.zone = zone;
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
