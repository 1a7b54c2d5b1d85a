package io.vipd.vrrp.router;

/**
 * The states of a virtual router: RFC 3768 / RFC 9568 section 6.4, plus FAULT, keepalived's state
 * for an instance that must not take part (interface down, or a tracked check with weight 0
 * failing). A router in FAULT sends nothing and holds no address.
 */
public enum VrrpState {
  INITIALIZE,
  BACKUP,
  MASTER,
  FAULT
}
