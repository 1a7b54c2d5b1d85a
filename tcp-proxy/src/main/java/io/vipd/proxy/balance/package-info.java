/**
 * Load-balancing algorithms, one class per algorithm behind {@link io.vipd.proxy.balance.Balancer}.
 * Pure: no Netty, no I/O, no clock; the proxy supplies health and load through {@link
 * io.vipd.proxy.balance.Candidates}.
 */
package io.vipd.proxy.balance;
