package io.vipd.proxy;

import io.vipd.proxy.balance.BalanceAlgorithm;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A pool of servers and how to use them.
 *
 * @param name unique among backends; frontends refer to it
 * @param balance algorithm that picks the server of a new connection
 * @param servers primaries and backups, names unique; order is the balancer's index order
 * @param timeouts connect and inactivity timeouts of sessions routed here
 * @param retries extra connect attempts after a failure (haproxy {@code retries}); 0 means one
 *     attempt
 * @param redispatch each retry goes to another server if one is eligible (haproxy {@code option
 *     redispatch}); false: retries go to the same server
 * @param onMarkedDown what to do with established sessions of a server that goes down
 * @param slowstart how long a server that comes back up takes to reach its full share of new
 *     connections (haproxy {@code slowstart}); zero: at once
 * @param onMarkedUp what a primary server back up does to the backup servers' sessions
 * @param rebalanceRate established sessions closed per second at most on servers holding more than
 *     their share, so that their clients reconnect to the others (a server back up after an upgrade
 *     gets its share of long-lived watches); 0: never
 * @param allBackups with every primary down, spread connections over every usable backup (haproxy's
 *     {@code option allbackups}); false, as haproxy's default: the first usable backup, in
 *     configuration order, takes them all
 */
public record BackendSettings(
    String name,
    BalanceAlgorithm balance,
    List<ServerSettings> servers,
    ProxyTimeouts timeouts,
    int retries,
    boolean redispatch,
    OnMarkedDown onMarkedDown,
    Duration slowstart,
    OnMarkedUp onMarkedUp,
    int rebalanceRate,
    boolean allBackups) {

  /** One backup at a time. */
  public BackendSettings(
      String name,
      BalanceAlgorithm balance,
      List<ServerSettings> servers,
      ProxyTimeouts timeouts,
      int retries,
      boolean redispatch,
      OnMarkedDown onMarkedDown,
      Duration slowstart,
      OnMarkedUp onMarkedUp,
      int rebalanceRate) {
    this(
        name,
        balance,
        servers,
        timeouts,
        retries,
        redispatch,
        onMarkedDown,
        slowstart,
        onMarkedUp,
        rebalanceRate,
        false);
  }

  /** Without rebalancing. */
  public BackendSettings(
      String name,
      BalanceAlgorithm balance,
      List<ServerSettings> servers,
      ProxyTimeouts timeouts,
      int retries,
      boolean redispatch,
      OnMarkedDown onMarkedDown,
      Duration slowstart,
      OnMarkedUp onMarkedUp) {
    this(
        name,
        balance,
        servers,
        timeouts,
        retries,
        redispatch,
        onMarkedDown,
        slowstart,
        onMarkedUp,
        0);
  }

  /** Without slow start or an on-marked-up action. */
  public BackendSettings(
      String name,
      BalanceAlgorithm balance,
      List<ServerSettings> servers,
      ProxyTimeouts timeouts,
      int retries,
      boolean redispatch,
      OnMarkedDown onMarkedDown) {
    this(
        name,
        balance,
        servers,
        timeouts,
        retries,
        redispatch,
        onMarkedDown,
        Duration.ZERO,
        OnMarkedUp.NONE);
  }

  /** With redispatch on. */
  public BackendSettings(
      String name,
      BalanceAlgorithm balance,
      List<ServerSettings> servers,
      ProxyTimeouts timeouts,
      int retries,
      OnMarkedDown onMarkedDown) {
    this(name, balance, servers, timeouts, retries, true, onMarkedDown);
  }

  public BackendSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(balance, "balance");
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(onMarkedDown, "onMarkedDown");
    Objects.requireNonNull(slowstart, "slowstart");
    Objects.requireNonNull(onMarkedUp, "onMarkedUp");
    if (rebalanceRate < 0) {
      throw new IllegalArgumentException(
          "backend " + name + ": negative rebalance rate " + rebalanceRate);
    }
    if (slowstart.isNegative()) {
      throw new IllegalArgumentException("backend " + name + ": negative slowstart " + slowstart);
    }
    servers = List.copyOf(servers);
    if (retries < 0) {
      throw new IllegalArgumentException("backend " + name + ": negative retries " + retries);
    }
    Set<String> seen = new HashSet<>();
    for (ServerSettings s : servers) {
      if (!seen.add(s.name())) {
        throw new IllegalArgumentException("backend " + name + ": duplicate server " + s.name());
      }
    }
  }

  /** A copy with another {@code slowstart}. */
  public BackendSettings withSlowstart(Duration period) {
    return copy(period, onMarkedUp, rebalanceRate, allBackups);
  }

  /** A copy with another {@code onMarkedUp}. */
  public BackendSettings withOnMarkedUp(OnMarkedUp action) {
    return copy(slowstart, action, rebalanceRate, allBackups);
  }

  /** A copy with another {@code rebalanceRate}. */
  public BackendSettings withRebalanceRate(int perSecond) {
    return copy(slowstart, onMarkedUp, perSecond, allBackups);
  }

  /** A copy with another {@code allBackups}. */
  public BackendSettings withAllBackups(boolean all) {
    return copy(slowstart, onMarkedUp, rebalanceRate, all);
  }

  private BackendSettings copy(
      Duration slowstart, OnMarkedUp onMarkedUp, int rebalanceRate, boolean allBackups) {
    return new BackendSettings(
        name,
        balance,
        servers,
        timeouts,
        retries,
        redispatch,
        onMarkedDown,
        slowstart,
        onMarkedUp,
        rebalanceRate,
        allBackups);
  }

  /** Round-robin over {@code servers} with default timeouts, 3 retries and no session shutdown. */
  public static BackendSettings of(String name, List<ServerSettings> servers) {
    return new BackendSettings(
        name, BalanceAlgorithm.ROUNDROBIN, servers, ProxyTimeouts.DEFAULTS, 3, OnMarkedDown.NONE);
  }
}
