package io.vipd.bench;

import io.vipd.vrrp.packet.DecodeResult;
import io.vipd.vrrp.packet.IpHeaderInfo;
import io.vipd.vrrp.packet.Ipv4ChecksumMode;
import io.vipd.vrrp.packet.VrrpAdvertisement;
import io.vipd.vrrp.packet.VrrpPacketCodec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode and decode of a VRRPv3 IPv4 advertisement (one VIP, pseudo-header checksum), plus the
 * worst accepted decode: an old-keepalived unicast advert that matches only the third checksum form
 * tried. One advert per second per instance makes this far from any bottleneck; the numbers are a
 * regression guard.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VrrpPacketCodecBenchmark {

  private VrrpAdvertisement advert;
  private InetAddress source;
  private InetAddress group;
  private IpHeaderInfo multicast;
  private IpHeaderInfo unicast;
  private byte[] multicastMessage;
  private byte[] oldUnicastMessage;

  @Setup
  public void setUp() throws UnknownHostException {
    source = InetAddress.getByName("10.77.0.11");
    group = InetAddress.getByName("224.0.0.18");
    InetAddress peer = InetAddress.getByName("10.77.0.12");
    advert = VrrpAdvertisement.v3(51, 101, 100, List.of(InetAddress.getByName("10.77.0.50")));
    multicast = new IpHeaderInfo(source, group, 255);
    unicast = new IpHeaderInfo(source, peer, 255);
    multicastMessage =
        VrrpPacketCodec.encode(advert, source, group, Ipv4ChecksumMode.PSEUDO_HEADER);
    oldUnicastMessage =
        VrrpPacketCodec.encode(
            advert, source, peer, Ipv4ChecksumMode.PSEUDO_HEADER_GROUP_DESTINATION);
  }

  @Benchmark
  public byte[] encodeV3Ipv4() {
    return VrrpPacketCodec.encode(advert, source, group, Ipv4ChecksumMode.PSEUDO_HEADER);
  }

  @Benchmark
  public DecodeResult decodeV3Ipv4() {
    return VrrpPacketCodec.decode(multicastMessage, multicast);
  }

  @Benchmark
  public DecodeResult decodeV3Ipv4OldUnicastChecksum() {
    return VrrpPacketCodec.decode(oldUnicastMessage, unicast);
  }
}
