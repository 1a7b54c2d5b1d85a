/**
 * Running under systemd: the {@code sd_notify} protocol over {@code $NOTIFY_SOCKET} ({@link
 * io.vipd.daemon.systemd.SystemdNotifier}, {@link io.vipd.daemon.systemd.SystemdLifecycle}) and the
 * start-up check that the process holds the capabilities its configuration needs ({@link
 * io.vipd.daemon.systemd.CapabilityCheck}). The unit file is {@code systemd/vipd.service}.
 */
package io.vipd.daemon.systemd;
