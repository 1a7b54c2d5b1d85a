package io.vipd.health;

/**
 * Rise/fall hysteresis for one check: pure arithmetic, no I/O, no clock.
 *
 * <p>Semantics are haproxy's single counter ({@code struct check.health} in {@code
 * include/haproxy/check-t.h}), which keepalived's {@code vrrp_script} result counter shares:
 *
 * <ul>
 *   <li>{@code health} runs from {@code 0} to {@code rise + fall - 1}; the check is {@link
 *       HealthState#UP} while {@code health >= rise}, otherwise {@link HealthState#DOWN};
 *   <li>a success increments {@code health}; reaching {@code rise} jumps to full health, so one
 *       success in the middle of a falling streak restores it;
 *   <li>a failure decrements {@code health}; dropping below {@code rise} resets it to {@code 0}, so
 *       one failure in the middle of a rising streak starts the climb again.
 * </ul>
 *
 * Hence from full health it takes exactly {@code fall} consecutive failures to go down and from
 * zero exactly {@code rise} consecutive successes to come up. The start is chosen with {@link
 * InitialState}: the proxy uses haproxy's default {@link InitialState#UP} (a server is up until its
 * first failed check), VRRP tracking uses keepalived's default {@link InitialState#UNKNOWN} (no
 * weight applied until the first result, which decides).
 *
 * <p>Not thread-safe: owned by one thread (a {@link HealthMonitor}'s event loop).
 */
public final class HealthTracker {

  private final int rise;
  private final int fall;
  private final int maxHealth;
  private int health;
  private HealthState state;
  private int consecutiveSuccesses;
  private int consecutiveFailures;

  /**
   * @param rise consecutive successes to go up, at least 1
   * @param fall consecutive failures to go down, at least 1
   * @param initial where to start
   */
  public HealthTracker(int rise, int fall, InitialState initial) {
    if (rise < 1 || fall < 1) {
      throw new IllegalArgumentException("rise and fall must be >= 1: " + rise + "/" + fall);
    }
    this.rise = rise;
    this.fall = fall;
    this.maxHealth = rise + fall - 1;
    switch (initial) {
      case FULLY_UP -> start(maxHealth, HealthState.UP);
      case UP -> start(rise, HealthState.UP);
      case DOWN -> start(rise - 1, HealthState.DOWN);
      case FULLY_DOWN -> start(0, HealthState.DOWN);
      case UNKNOWN -> start(rise - 1, HealthState.UNKNOWN);
      default -> throw new IllegalArgumentException("initial state " + initial);
    }
  }

  private void start(int health, HealthState state) {
    this.health = health;
    this.state = state;
  }

  /**
   * Records a passing result.
   *
   * @return true if the state changed (to {@link HealthState#UP})
   */
  public boolean onSuccess() {
    consecutiveSuccesses++;
    consecutiveFailures = 0;
    if (health < maxHealth) {
      health++;
      if (health >= rise) {
        health = maxHealth;
      }
    }
    return settle();
  }

  /**
   * Records a failing result (active or passive).
   *
   * @return true if the state changed (to {@link HealthState#DOWN})
   */
  public boolean onFailure() {
    consecutiveFailures++;
    consecutiveSuccesses = 0;
    if (health > 0) {
      health--;
      if (health < rise) {
        health = 0;
      }
    }
    return settle();
  }

  /**
   * Records a failure that leaves an up check one more failure from down, whatever its health was
   * (haproxy's {@code on-error sudden-death}).
   *
   * @return true if the state changed (to {@link HealthState#DOWN})
   */
  public boolean onSuddenDeath() {
    health = Math.min(health, rise + 1);
    return onFailure();
  }

  /**
   * Records a failure that turns the check down at once (haproxy's {@code on-error mark-down}).
   *
   * @return true if the state changed (to {@link HealthState#DOWN})
   */
  public boolean onMarkDown() {
    health = Math.min(health, rise);
    return onFailure();
  }

  private boolean settle() {
    HealthState next = health >= rise ? HealthState.UP : HealthState.DOWN;
    boolean changed = next != state;
    state = next;
    return changed;
  }

  /** The current state. */
  public HealthState state() {
    return state;
  }

  /**
   * True while the counter sits between the extremes (haproxy's condition for {@code fastinter}),
   * or before the first result.
   */
  public boolean isTransitioning() {
    return state == HealthState.UNKNOWN || (health > 0 && health < maxHealth);
  }

  /** True when down with no health at all (haproxy's condition for {@code downinter}). */
  public boolean isFullyDown() {
    return state == HealthState.DOWN && health == 0;
  }

  /** haproxy's counter, {@code 0 .. rise+fall-1}. */
  public int health() {
    return health;
  }

  public int rise() {
    return rise;
  }

  public int fall() {
    return fall;
  }

  /** Successes since the last failure. */
  public int consecutiveSuccesses() {
    return consecutiveSuccesses;
  }

  /** Failures since the last success. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }
}
