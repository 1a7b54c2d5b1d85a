package io.vipd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.packet.IpHeaderInfo;
import io.vipd.vrrp.packet.Ipv4ChecksumMode;
import io.vipd.vrrp.packet.VrrpAdvertisement;
import io.vipd.vrrp.packet.VrrpPacketCodec;
import io.vipd.vrrp.port.ReceivedDatagram;
import io.vipd.vrrp.port.VipManager;
import io.vipd.vrrp.port.VirtualAddress;
import io.vipd.vrrp.port.VrrpSocket;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Stand-ins for the Linux adapters of a {@link VrrpRuntime} in tests without namespaces. */
public final class TestDoubles {

  private TestDoubles() {}

  /** A VIP manager that accepts everything and holds nothing. */
  public static VipManager noVips() {
    return new VipManager() {
      @Override
      public boolean add(VirtualAddress address) {
        return true;
      }

      @Override
      public boolean remove(VirtualAddress address) {
        return true;
      }

      @Override
      public void install(VirtualAddress address, int lifetimeSeconds) {}

      @Override
      public List<VirtualAddress> list(String interfaceName) {
        return List.of();
      }
    };
  }

  /** A socket that never receives and drops what is sent (for a runtime that is not run). */
  public static VrrpSocket deafSocket() {
    return new VrrpSocket() {
      @Override
      public void send(byte[] vrrpMessage, InetAddress destination) {}

      @Override
      public ReceivedDatagram receive(long timeoutNanos) {
        return null;
      }

      @Override
      public void close() {}
    };
  }

  /** The spec of {@code config} on eth0 with its first VIP as a /32 and one announcement. */
  public static VrrpInstanceSpec spec(VirtualRouterConfig config, int garpRepeat) {
    InetAddress vip = config.virtualAddresses().get(0);
    return new VrrpInstanceSpec(
        config,
        "eth0",
        List.of(new VirtualAddress(vip, 32, "eth0", Optional.empty())),
        Ipv4ChecksumMode.PSEUDO_HEADER,
        new GarpSettings(garpRepeat, 0, 0, 1),
        0);
  }

  /**
   * A runtime of {@code config} that hears nothing and installs no VIP, on the real clock; running
   * only once a test starts its thread.
   */
  public static VrrpRuntime runtime(VirtualRouterConfig config, VirtualRouterListener listener) {
    return new VrrpRuntime(
        spec(config, 1),
        deafSocket(),
        noVips(),
        a -> {},
        listener,
        System::nanoTime,
        new VrrpStats());
  }

  /** A VRRPv3 advert of VRID {@code vrid} for 10.0.0.100 from {@code source}, as received. */
  public static ReceivedDatagram advertFrom(int vrid, String source, int priority)
      throws IOException {
    InetAddress src = InetAddress.getByName(source);
    InetAddress group = InetAddress.getByName("224.0.0.18");
    VrrpAdvertisement adv =
        VrrpAdvertisement.v3(vrid, priority, 100, List.of(InetAddress.getByName("10.0.0.100")));
    byte[] bytes = VrrpPacketCodec.encode(adv, src, group, Ipv4ChecksumMode.PSEUDO_HEADER);
    return new ReceivedDatagram(bytes, new IpHeaderInfo(src, group, 255));
  }

  /** Waits up to 5 s for {@code condition}; fails with {@code what} otherwise. */
  public static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(condition.getAsBoolean(), what);
  }
}
