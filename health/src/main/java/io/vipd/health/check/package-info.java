/**
 * The probes: {@link io.vipd.health.check.TcpCheck}, {@link io.vipd.health.check.TlsCheck}, {@link
 * io.vipd.health.check.HttpCheck} (share one Netty event loop group from {@link
 * io.vipd.health.check.CheckExecutors}), {@link io.vipd.health.check.ExecCheck} and {@link
 * io.vipd.health.check.FileCheck} (use the small blocking executor).
 */
package io.vipd.health.check;
