package io.vipd.vrrp.announce;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Reads the frames of a classic libpcap file (either byte order) from the test classpath. */
final class CaptureFile {

  private static final int MAGIC = 0xa1b2c3d4;
  private static final int MAGIC_NANOS = 0xa1b23c4d;
  private static final int GLOBAL_HEADER = 24;
  private static final int RECORD_HEADER = 16;

  private CaptureFile() {}

  /** Every captured frame of {@code /captures/<name>}, link-layer header included. */
  static List<byte[]> frames(String name) {
    ByteBuffer buf = ByteBuffer.wrap(read("/captures/" + name));
    int magic = buf.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    if (magic != MAGIC && magic != MAGIC_NANOS) {
      buf.order(ByteOrder.BIG_ENDIAN);
      magic = buf.getInt(0);
      if (magic != MAGIC && magic != MAGIC_NANOS) {
        throw new IllegalArgumentException(name + " is not a pcap file");
      }
    }
    List<byte[]> frames = new ArrayList<>();
    buf.position(GLOBAL_HEADER);
    while (buf.remaining() >= RECORD_HEADER) {
      buf.position(buf.position() + 8); // timestamp
      int captured = buf.getInt();
      buf.getInt(); // original length
      byte[] frame = new byte[captured];
      buf.get(frame);
      frames.add(frame);
    }
    return frames;
  }

  private static byte[] read(String resource) {
    try (InputStream in = CaptureFile.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
