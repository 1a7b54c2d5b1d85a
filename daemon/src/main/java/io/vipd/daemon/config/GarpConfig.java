package io.vipd.daemon.config;

import java.time.Duration;

/**
 * Gratuitous ARP / unsolicited NA pacing on becoming master; keepalived's {@code
 * garp_master_repeat}, {@code garp_master_delay}, {@code garp_master_refresh}, {@code
 * garp_master_refresh_repeat}, with the same defaults.
 *
 * @param repeat announcements sent per VIP on becoming master
 * @param delay when the second burst follows; zero for none
 * @param refresh period of re-announcement while master; zero for never
 * @param refreshRepeat announcements per VIP at each refresh
 */
public record GarpConfig(int repeat, Duration delay, Duration refresh, int refreshRepeat) {}
