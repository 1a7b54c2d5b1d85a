package io.vipd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.vrrp.packet.Ipv4ChecksumMode;
import io.vipd.vrrp.packet.VrrpVersion;
import io.vipd.vrrp.port.ReceivedDatagram;
import io.vipd.vrrp.port.VipManager;
import io.vipd.vrrp.port.VirtualAddress;
import io.vipd.vrrp.port.VrrpSocket;
import io.vipd.vrrp.router.VirtualRouterConfig;
import io.vipd.vrrp.router.VirtualRouterListener;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A VIP's lifetime refresh that waits on the kernel (its rtnl lock held for seconds, as when a node
 * tears down many pod namespaces) must not hold the master's adverts: the backups would take over.
 * The refresh runs beside the runtime; a refresh that outlives a removal does not put the VIP back.
 * Real clock, adverts every 100 ms.
 */
@Timeout(30)
class VrrpRuntimeVipRefreshTest {

  /** Installs at once, except the first refresh, which waits {@link #BLOCK_MILLIS}. */
  private static final class SlowKernel implements VipManager {
    static final long BLOCK_MILLIS = 1500;
    final AtomicInteger installs = new AtomicInteger();
    final CountDownLatch blocked = new CountDownLatch(1);
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public boolean add(VirtualAddress address) {
      return true;
    }

    @Override
    public boolean remove(VirtualAddress address) {
      calls.add("remove");
      return true;
    }

    @Override
    public void install(VirtualAddress address, int lifetimeSeconds) {
      if (installs.incrementAndGet() == 2) { // the first refresh: the transition's install was 1
        blocked.countDown();
        try {
          Thread.sleep(BLOCK_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      calls.add("install"); // when it takes effect: at the end of the call
    }

    @Override
    public List<VirtualAddress> list(String interfaceName) {
      return List.of();
    }
  }

  @Test
  void advertsGoOnWhileARefreshWaitsForTheKernel() throws Exception {
    InetAddress vip = InetAddress.getByName("10.0.0.100");
    VirtualRouterConfig config =
        VirtualRouterConfig.builder("VI_1", 51, InetAddress.getByName("10.0.0.11"))
            .version(VrrpVersion.V3)
            .priority(255) // the owner: master at once
            .advertIntervalCentis(10)
            .virtualAddresses(List.of(vip))
            .build();
    VrrpInstanceSpec spec =
        new VrrpInstanceSpec(
            config,
            "eth0",
            List.of(new VirtualAddress(vip, 32, "eth0", Optional.empty())),
            Ipv4ChecksumMode.PSEUDO_HEADER,
            new GarpSettings(1, 0, 0, 1),
            3); // refreshed every second
    AtomicLong sent = new AtomicLong();
    VrrpSocket socket =
        new VrrpSocket() {
          @Override
          public void send(byte[] vrrpMessage, InetAddress destination) {
            sent.incrementAndGet();
          }

          @Override
          public ReceivedDatagram receive(long timeoutNanos) {
            java.util.concurrent.locks.LockSupport.parkNanos(timeoutNanos);
            return null;
          }

          @Override
          public void close() {}
        };
    SlowKernel kernel = new SlowKernel();
    VrrpRuntime runtime =
        new VrrpRuntime(
            spec,
            socket,
            kernel,
            a -> {},
            new VirtualRouterListener() {},
            System::nanoTime,
            new VrrpStats());
    Thread t = new Thread(runtime, "runtime");
    t.start();
    try {
      assertTrue(kernel.blocked.await(10, TimeUnit.SECONDS), "a refresh came");
      long before = sent.get();
      Thread.sleep(1000); // the refresh still waits for the kernel
      long during = sent.get() - before;
      assertTrue(during >= 5, "adverts every 100 ms went on during the refresh: " + during);
    } finally {
      assertTrue(runtime.stop(5, TimeUnit.SECONDS), "the runtime stopped when asked");
      t.join(5000);
    }
    // the stop removed the VIP; the refresh that was waiting did not install it again after that
    Thread.sleep(SlowKernel.BLOCK_MILLIS);
    List<String> calls = kernel.calls;
    int lastRemove = calls.lastIndexOf("remove");
    assertTrue(lastRemove >= 0, "removed on stop: " + calls);
    assertFalse(
        calls.subList(lastRemove, calls.size()).contains("install"), "no install after: " + calls);
  }
}
