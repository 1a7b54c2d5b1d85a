package io.vipd.daemon.haproxycli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What {@code echo CMD | socat stdio unix-connect:PATH} does, for tests, bounded in time. */
public final class CliClient {

  private CliClient() {}

  /** Writes {@code input} to the socket at {@code path}; returns all it answers until it closes. */
  public static String ask(Path path, String input) throws Exception {
    return exchange(path, input, false);
  }

  /**
   * As {@link #ask}, then shuts its sending side down as socat does at the end of its input, and
   * reads until the socket closes.
   */
  public static String askThenShutdown(Path path, String input) throws Exception {
    return exchange(path, input, true);
  }

  private static String exchange(Path path, String input, boolean shutdown) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(path));
                // written while the answers are read, as socat does: a long input whose answers
                // fill the socket would otherwise wait on the server, which waits on the reader
                CompletableFuture<Void> written =
                    CompletableFuture.runAsync(
                        () -> {
                          try {
                            ByteBuffer out =
                                ByteBuffer.wrap(input.getBytes(StandardCharsets.UTF_8));
                            while (out.hasRemaining()) {
                              ch.write(out);
                            }
                            if (shutdown) {
                              ch.shutdownOutput();
                            }
                          } catch (IOException e) {
                            throw new IllegalStateException(e);
                          }
                        });
                String answers = readToEnd(ch);
                written.join();
                return answers;
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            })
        .get(30, TimeUnit.SECONDS);
  }

  /** All the socket sends until it closes. */
  public static String readToEnd(SocketChannel ch) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(8192);
    while (ch.read(buf) >= 0) {
      buf.flip();
      all.write(buf.array(), 0, buf.limit());
      buf.clear();
    }
    return all.toString(StandardCharsets.UTF_8);
  }
}
