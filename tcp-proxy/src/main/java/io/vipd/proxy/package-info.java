/**
 * The L4 TCP proxy that replaces haproxy {@code mode tcp} in front of the kube-apiservers; TLS
 * passes through untouched.
 *
 * <p>Public API: the immutable settings model ({@link io.vipd.proxy.ProxySettings}, {@link
 * io.vipd.proxy.FrontendSettings}, {@link io.vipd.proxy.BackendSettings}, {@link
 * io.vipd.proxy.ServerSettings}, {@link io.vipd.proxy.ProxyTimeouts}), {@link
 * io.vipd.proxy.ProxyServer} (start, stop, status, setServerUp), the observer {@link
 * io.vipd.proxy.ProxyEvents} and the status snapshots.
 *
 * <p>Health seam (the proxy never imports {@code io.vipd.health}):
 *
 * <ul>
 *   <li>in: {@link io.vipd.proxy.ProxyServer#setServerUp(String, String, boolean)} (or {@link
 *       io.vipd.proxy.BackendPool#setServerUp(String, boolean)}), from any thread, for active check
 *       results and for the verdict on passive failures;
 *   <li>out: {@link io.vipd.proxy.ProxyEvents#onConnectFailed} and {@link
 *       io.vipd.proxy.ProxyEvents#onServerConnected}, one call per connect attempt, for a fall/rise
 *       tracker of passive health.
 * </ul>
 *
 * <p>Threads: all per-connection state lives on the event loop that accepted the client (see {@link
 * io.vipd.proxy.EpollSession} on vipd's own epoll loops, {@link io.vipd.proxy.ProxySession} on
 * Netty's NIO channels); shared counters are atomic.
 */
package io.vipd.proxy;
