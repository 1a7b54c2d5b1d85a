package io.vipd.vrrp.port;

/**
 * Whether an interface can carry VRRP traffic at one moment.
 *
 * @param interfaceName the interface
 * @param up administratively up (IFF_UP) and with carrier (IFF_RUNNING); {@code false} also when
 *     the interface has disappeared
 */
public record LinkState(String interfaceName, boolean up) {}
