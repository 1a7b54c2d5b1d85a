package io.vipd.daemon.config;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which parts of the configuration this version of the daemon acts on. The loader knows every key
 * from the first release, so files written today keep working; parts the running daemon does not
 * implement yet are accepted, validated and reported as "not yet active".
 *
 * <p><b>The one list to edit:</b> when a feature lands, remove it from {@link #NOT_YET_ACTIVE}.
 */
public final class FeatureStatus {

  /** A part of the configuration, how to tell whether a file uses it and how to name its use. */
  public enum Feature {
    VRRP(
        "vrrp",
        c -> !c.vrrp().instances().isEmpty(),
        c -> names(c.vrrp().instances().stream().map(VrrpInstanceConfig::name).toList())),
    TRACK(
        "vrrp.instances[].track",
        c -> c.vrrp().instances().stream().anyMatch(i -> !i.track().isEmpty()),
        c ->
            names(
                c.vrrp().instances().stream()
                    .filter(i -> !i.track().isEmpty())
                    .map(VrrpInstanceConfig::name)
                    .toList())),
    NOTIFY(
        "vrrp.instances[].notify",
        c -> c.vrrp().instances().stream().anyMatch(i -> !i.notifyScripts().isEmpty()),
        c ->
            names(
                c.vrrp().instances().stream()
                    .filter(i -> !i.notifyScripts().isEmpty())
                    .map(VrrpInstanceConfig::name)
                    .toList())),
    GARP_TUNING(
        "vrrp.instances[].garp",
        c -> c.vrrp().instances().stream().anyMatch(i -> !i.garp().equals(KEEPALIVED_GARP)),
        c -> ""),
    CHECKS("checks", c -> !c.checks().isEmpty(), c -> names(List.copyOf(c.checks().keySet()))),
    PROXY(
        "proxy",
        c -> !c.proxy().isEmpty(),
        c -> names(c.proxy().frontends().stream().map(f -> f.name() + " " + f.bind()).toList())),
    ADMIN("admin", c -> c.admin().enabled(), c -> "(" + c.admin().bind() + ")"),
    LOGGING("logging", c -> true, c -> "");

    private final String key;
    private final Predicate<DaemonConfig> used;
    private final Function<DaemonConfig, String> detail;

    Feature(String key, Predicate<DaemonConfig> used, Function<DaemonConfig, String> detail) {
      this.key = key;
      this.used = used;
      this.detail = detail;
    }

    /** The configuration key of this part. */
    public String key() {
      return key;
    }

    /** Whether {@code config} uses this part. */
    public boolean usedBy(DaemonConfig config) {
      return used.test(config);
    }
  }

  /**
   * Accepted but not yet acted on by the running daemon. Shrink this as features land. At the time
   * of writing VRRP is being implemented (treated as active) and logging is applied by the CLI.
   * {@link Feature#GARP_TUNING} is reported only for values other than keepalived's defaults.
   */
  private static final Set<Feature> NOT_YET_ACTIVE = EnumSet.noneOf(Feature.class);

  /** keepalived's GARP defaults, which the VRRP engine follows whatever the file says. */
  private static final GarpConfig KEEPALIVED_GARP =
      new GarpConfig(5, java.time.Duration.ofSeconds(5), java.time.Duration.ZERO, 1);

  private FeatureStatus() {}

  /** Whether the running daemon acts on {@code feature}. */
  public static boolean isActive(Feature feature) {
    return !NOT_YET_ACTIVE.contains(feature);
  }

  /** One line per part that {@code config} uses and this version does not act on yet. */
  public static List<String> notYetActive(DaemonConfig config) {
    List<String> out = new ArrayList<>();
    for (Feature f : Feature.values()) {
      if (!isActive(f) && f.usedBy(config)) {
        String d = f.detail.apply(config);
        out.add(
            f.key
                + (d.isEmpty() ? "" : " " + d)
                + ": accepted and validated, not yet active in this version");
      }
    }
    return out;
  }

  private static String names(List<String> names) {
    return names.isEmpty() ? "" : "(" + String.join(", ", names) + ")";
  }
}
