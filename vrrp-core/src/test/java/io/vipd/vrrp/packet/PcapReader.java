package io.vipd.vrrp.packet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test utility: reads a classic libpcap file with Ethernet link type and returns the IP packets in
 * it (IPv4, or IPv6 without extension headers; optional 802.1Q tag), each with what a raw socket
 * would report of its IP header. Non-IP frames (ARP) are skipped. The payload is cut at the IP
 * length fields, so link-layer padding is dropped as the kernel drops it.
 */
final class PcapReader {

  /** One IP packet: header facts, the IP protocol / next header, and the IP payload. */
  record IpPacket(IpHeaderInfo ip, int protocol, byte[] payload) {
    IpPacket {
      payload = payload.clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }
  }

  private static final int LINKTYPE_ETHERNET = 1;
  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_IPV6 = 0x86DD;
  private static final int ETHERTYPE_VLAN = 0x8100;

  private PcapReader() {}

  /** Reads a capture from the test classpath, e.g. {@code captures/vrrpv2-ipv4.pcap}. */
  static List<IpPacket> readResource(String name) {
    try (InputStream in = PcapReader.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return read(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a whole capture file. */
  static List<IpPacket> read(byte[] file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(file);
    if (buf.remaining() < 24) {
      throw new IOException("no pcap global header");
    }
    int magic = buf.getInt(0);
    if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
      buf.order(ByteOrder.LITTLE_ENDIAN);
    } else if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      throw new IOException("not a classic pcap file, magic " + Integer.toHexString(magic));
    }
    if (buf.getInt(20) != LINKTYPE_ETHERNET) {
      throw new IOException("link type " + buf.getInt(20) + " is not Ethernet");
    }
    List<IpPacket> packets = new ArrayList<>();
    int offset = 24;
    while (offset < file.length) {
      if (file.length - offset < 16) {
        throw new IOException("truncated record header at " + offset);
      }
      int captured = buf.getInt(offset + 8);
      int start = offset + 16;
      if (captured < 0 || captured > file.length - start) {
        throw new IOException("truncated record at " + offset);
      }
      IpPacket packet = parseEthernet(Arrays.copyOfRange(file, start, start + captured));
      if (packet != null) {
        packets.add(packet);
      }
      offset = start + captured;
    }
    return packets;
  }

  private static IpPacket parseEthernet(byte[] frame) throws IOException {
    int offset = 12;
    int etherType = u16(frame, offset);
    if (etherType == ETHERTYPE_VLAN) {
      offset += 4;
      etherType = u16(frame, offset);
    }
    offset += 2;
    if (etherType == ETHERTYPE_IPV4) {
      return parseIpv4(frame, offset);
    }
    if (etherType == ETHERTYPE_IPV6) {
      return parseIpv6(frame, offset);
    }
    return null;
  }

  private static IpPacket parseIpv4(byte[] frame, int offset) throws IOException {
    require(frame, offset, 20);
    int headerLength = (frame[offset] & 0x0F) * 4;
    int totalLength = u16(frame, offset + 2);
    require(frame, offset, totalLength);
    if ((frame[offset] & 0xF0) != 0x40 || headerLength < 20 || totalLength < headerLength) {
      throw new IOException("bad IPv4 header");
    }
    IpHeaderInfo ip =
        new IpHeaderInfo(
            address(frame, offset + 12, 4),
            address(frame, offset + 16, 4),
            frame[offset + 8] & 0xFF);
    return new IpPacket(
        ip,
        frame[offset + 9] & 0xFF,
        Arrays.copyOfRange(frame, offset + headerLength, offset + totalLength));
  }

  private static IpPacket parseIpv6(byte[] frame, int offset) throws IOException {
    require(frame, offset, 40);
    int payloadLength = u16(frame, offset + 4);
    require(frame, offset + 40, payloadLength);
    if ((frame[offset] & 0xF0) != 0x60) {
      throw new IOException("bad IPv6 header");
    }
    IpHeaderInfo ip =
        new IpHeaderInfo(
            address(frame, offset + 8, 16),
            address(frame, offset + 24, 16),
            frame[offset + 7] & 0xFF);
    return new IpPacket(
        ip,
        frame[offset + 6] & 0xFF,
        Arrays.copyOfRange(frame, offset + 40, offset + 40 + payloadLength));
  }

  private static InetAddress address(byte[] frame, int offset, int length) throws IOException {
    return InetAddress.getByAddress(Arrays.copyOfRange(frame, offset, offset + length));
  }

  private static int u16(byte[] bytes, int offset) throws IOException {
    require(bytes, offset, 2);
    return ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
  }

  private static void require(byte[] bytes, int offset, int length) throws IOException {
    if (offset < 0 || length < 0 || offset > bytes.length - length) {
      throw new IOException("frame too short: need " + length + " bytes at " + offset);
    }
  }
}
