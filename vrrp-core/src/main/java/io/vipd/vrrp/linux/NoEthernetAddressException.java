package io.vipd.vrrp.linux;

import java.io.IOException;

/**
 * The interface has no Ethernet address (a WireGuard, tun or GRE device): neither ARP nor NDP runs
 * there, so there is nothing to announce on it.
 */
public final class NoEthernetAddressException extends IOException {
  private static final long serialVersionUID = 1L;

  NoEthernetAddressException(String message) {
    super(message);
  }
}
