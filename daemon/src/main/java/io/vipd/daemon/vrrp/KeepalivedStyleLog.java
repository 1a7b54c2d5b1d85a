package io.vipd.daemon.vrrp;

import io.vipd.vrrp.packet.RxDropReason;
import io.vipd.vrrp.router.Transition;
import io.vipd.vrrp.router.VirtualRouterListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a VRRP instance's life in the words keepalived users grep for: {@code (VI_1) Entering MASTER
 * STATE}, {@code (VI_1) Changing effective priority from 101 to 81}.
 */
final class KeepalivedStyleLog implements VirtualRouterListener {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.vrrp");

  private final String instance;

  KeepalivedStyleLog(String instance) {
    this.instance = instance;
  }

  @Override
  public void onTransition(Transition transition) {
    LOG.info("({}) Entering {} STATE ({})", instance, transition.to(), transition.reason());
  }

  @Override
  public void onPriorityChanged(int from, int to) {
    LOG.debug("({}) effective priority now {} (was {})", instance, to, from);
  }

  @Override
  public void onAdvertisementDropped(RxDropReason reason) {
    LOG.debug("({}) advertisement dropped: {}", instance, reason);
  }
}
