package io.vipd.daemon.haproxycli;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vipd.daemon.config.StatsSocketConfig;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * haproxy's stats socket: a Unix stream socket that answers haproxy's runtime API ({@link
 * CliCommands}) one line at a time ({@link CliSession}), on one event loop of its own.
 *
 * <p>The socket file is created with the configured mode, its directory first if missing (0755: the
 * socket's own mode says who may connect); a socket file left at the path by a process that died is
 * replaced, while one that still answers (a running haproxy or vipd), or anything that is not a
 * socket, is an error. The file is removed when the socket closes.
 *
 * <p>Bounds, so that a client cannot pile up memory: an idle session is closed after {@code
 * timeout}; a line longer than 64 KiB ends its session; a line holds at most {@value
 * CliSession#MAX_COMMANDS_PER_LINE} commands; a session's lines are answered only while its unsent
 * answers are under the write buffer's high mark, and its input is not read while lines wait (a
 * session with more than {@value #MAX_QUEUED_INPUT} characters of lines waiting is closed); at most
 * {@value #MAX_SESSIONS} sessions are open at once (more are closed at once).
 */
public final class StatsSocket implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.admin");
  static final int MAX_SESSIONS = 16;
  private static final int MAX_LINE = 64 * 1024;

  /** Characters of lines read and not yet answered; reading stops while any wait. */
  static final int MAX_QUEUED_INPUT = 1024 * 1024;

  /**
   * How long a non-interactive session whose reading resumed after a pause waits for the rest of
   * its input before it ends: what the client sent in one go is in the socket already.
   */
  private static final long RESUMED_READ_WAIT_MILLIS = 100;

  private final Path path;
  private final EpollEventLoopGroup group;
  private final Channel channel;

  private StatsSocket(Path path, EpollEventLoopGroup group, Channel channel) {
    this.path = path;
    this.group = group;
    this.channel = channel;
  }

  /**
   * Creates the socket at {@code config.path()} and serves it.
   *
   * @param view what runs now (it follows reloads)
   * @throws IOException when the socket cannot be created
   */
  public static StatsSocket start(StatsSocketConfig config, Supplier<ProxyView> view)
      throws IOException {
    Path path = config.path().orElseThrow(() -> new IllegalArgumentException("no socket path"));
    if (!Epoll.isAvailable()) {
      throw new IOException(
          "stats socket " + path + ": needs Linux's epoll (" + Epoll.unavailabilityCause() + ")");
    }
    prepare(path);
    CliCommands commands = new CliCommands(view, config.level());
    AtomicInteger open = new AtomicInteger();
    EpollEventLoopGroup group =
        new EpollEventLoopGroup(1, new DefaultThreadFactory("vipd-stats-socket", true));
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(EpollServerDomainSocketChannel.class)
              // socat shuts its side down after the last command: the answers still go out
              .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(64 * 1024, 256 * 1024))
              .childHandler(
                  new ChannelInitializer<DomainSocketChannel>() {
                    @Override
                    protected void initChannel(DomainSocketChannel ch) {
                      if (open.incrementAndGet() > MAX_SESSIONS) {
                        open.decrementAndGet();
                        ch.close();
                        return;
                      }
                      ch.closeFuture().addListener(f -> open.decrementAndGet());
                      ch.pipeline()
                          .addLast(
                              new IdleStateHandler(
                                  0, 0, config.timeout().toMillis(), TimeUnit.MILLISECONDS))
                          .addLast(new LineBasedFrameDecoder(MAX_LINE, true, true))
                          .addLast(new SessionHandler(new CliSession(commands, config.level())));
                    }
                  })
              .bind(new DomainSocketAddress(path.toString()))
              .sync()
              .channel();
      // the directory is not writable by others (prepare), so what is at the path is our socket
      if (!isSocket(path)) {
        throw new IOException("stats socket " + path + ": replaced while it was created");
      }
      Files.setPosixFilePermissions(path, permissions(config.mode()));
      LOG.info(
          "stats socket {} (haproxy's runtime API, level {}, mode {})",
          path,
          config.level().label(),
          Integer.toOctalString(config.mode()));
      return new StatsSocket(path, group, channel);
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e instanceof IOException io
          ? io
          : new IOException("stats socket " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException("stats socket " + path + ": interrupted", e);
    }
  }

  /** The socket's path. */
  public Path path() {
    return path;
  }

  @Override
  public void close() {
    // closing the channel removes the socket file (Netty's domain server channel does)
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * Makes the directory (0755), and removes a socket file left by a dead process; refuses one that
   * still answers and anything that is not a socket.
   */
  private static void prepare(Path path) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, permissions(0755));
    }
    if (dir != null) {
      int mode = (Integer) Files.getAttribute(dir, "unix:mode");
      boolean sticky = (mode & 01000) != 0;
      if ((mode & 0022) != 0 && !sticky) {
        // someone else could swap the socket for a link to a file vipd would then chmod
        throw new IOException(
            "stats socket "
                + path
                + ": its directory is writable by other users; use a directory of vipd's own"
                + " (/run/vipd under the systemd unit)");
      }
    }
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      if (!isSocket(path)) {
        throw new IOException("stats socket " + path + ": exists and is not a socket");
      }
      if (answers(path)) {
        throw new IOException(
            "stats socket " + path + ": in use by a running process (haproxy, another vipd?)");
      }
      Files.delete(path);
    }
  }

  /** Whether a process listens on the socket file at {@code path}. */
  private static boolean answers(Path path) {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return ch.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      return false; // refused: nobody listens, the file is stale
    }
  }

  private static boolean isSocket(Path path) throws IOException {
    int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & 0170000) == 0140000; // S_IFSOCK
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        p.add(bits[i]);
      }
    }
    return p;
  }

  /**
   * Reads lines and answers them in order, each only while the client takes the answers (the
   * channel is writable): a client that reads slowly is answered slowly, however long the answers,
   * and its input is not read while lines wait. Closes a session that quit, a non-interactive one
   * once the lines of a read are answered, and one that idles.
   */
  private static final class SessionHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private final CliSession session;

    /** Lines read and not yet answered, oldest first. */
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    private long queuedChars;
    private boolean answered;

    /**
     * A read ended with lines in it, not cut short by a pause: a non-interactive session ends once
     * they are answered. A read that a pause cut short may have left lines in the socket.
     */
    private boolean readEnded;

    /** Reading was paused while lines waited; what the socket still holds is read on resuming. */
    private boolean paused;

    /** Reads completed so far: tells whether one came after reading resumed. */
    private long reads;

    /** The client shut its sending side down: the session ends once its lines are answered. */
    private boolean inputDone;

    /** In {@link #answer}: a flush that makes the channel writable again calls back into it. */
    private boolean answering;

    private boolean closing;

    SessionHandler(CliSession session) {
      this.session = session;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
      if (session.ended() || closing) {
        return; // after quit
      }
      String text = line.toString(StandardCharsets.UTF_8);
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      queuedChars += text.length() + 1;
      if (queuedChars > MAX_QUEUED_INPUT) {
        // reading stops while lines wait, so only lines read in one go can pile up here
        LOG.warn("stats socket: a session that sends far more than it reads is closed");
        closing = true;
        ctx.close();
        return;
      }
      lines.add(text);
      answer(ctx);
    }

    /** Answers the waiting lines while the client takes the answers; reads on once none wait. */
    private void answer(ChannelHandlerContext ctx) {
      if (answering || closing) {
        return;
      }
      answering = true;
      try {
        Channel ch = ctx.channel();
        while (!lines.isEmpty() && !session.ended() && ch.isWritable()) {
          String text = lines.poll();
          queuedChars -= text.length() + 1;
          answered = true;
          ch.write(Unpooled.copiedBuffer(session.onLine(text), StandardCharsets.UTF_8));
          if (!ch.isWritable()) {
            ch.flush(); // what the socket takes now; the rest once the client reads
          }
        }
        if (session.ended()) {
          lines.clear();
          queuedChars = 0;
        }
        boolean resume = lines.isEmpty();
        ch.config().setAutoRead(resume);
        if (!resume) {
          paused = true;
        } else if (paused) {
          paused = false;
          endOfInputUnlessMoreComes(ctx);
        }
      } finally {
        answering = false;
      }
    }

    /**
     * Reading resumed after a pause: lines the socket still held are read now (the resumed read
     * ends the batch as any read does); if none come, the input the client sent has all been
     * answered, and a non-interactive session ends.
     */
    private void endOfInputUnlessMoreComes(ChannelHandlerContext ctx) {
      if (session.interactive()) {
        return;
      }
      long readsBefore = reads;
      ctx.executor()
          .schedule(
              () -> {
                if (reads == readsBefore && !paused && answered) {
                  readEnded = true;
                  flushOrEnd(ctx);
                }
              },
              RESUMED_READ_WAIT_MILLIS,
              TimeUnit.MILLISECONDS);
    }

    /** Flushes, and closes the session once the answers are out if it is over. */
    private void flushOrEnd(ChannelHandlerContext ctx) {
      if (closing) {
        return;
      }
      boolean over =
          session.ended()
              || (lines.isEmpty()
                  && (inputDone || (readEnded && answered && !session.interactive())));
      if (over) {
        closing = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.flush();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      reads++;
      if (!paused && (answered || !lines.isEmpty())) {
        readEnded = true;
      }
      flushOrEnd(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        answer(ctx);
        flushOrEnd(ctx);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        closing = true;
        ctx.close();
      } else if (evt instanceof ChannelInputShutdownEvent) {
        // the client sent all it will: answer what came, then close
        inputDone = true;
        flushOrEnd(ctx);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (closing) {
        return;
      }
      closing = true;
      if (cause instanceof TooLongFrameException) {
        ctx.writeAndFlush(Unpooled.copiedBuffer("Line too long.\n", StandardCharsets.UTF_8))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      LOG.debug("stats socket session: {}", cause.toString());
      ctx.close();
    }
  }
}
