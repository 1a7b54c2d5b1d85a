package io.vipd.daemon.config;

import io.vipd.health.HealthState;
import io.vipd.health.PriorityPolicy;
import io.vipd.health.TrackedCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Judges the configuration files of a cluster's nodes together, which no single-file check can:
 * every node's copy of an instance (matched by name, else by VRID) must agree on VRID, version,
 * advert interval, authentication and VIPs; priorities should differ; and the priority arithmetic
 * must work: when a node is master and one thing it tracks fails, its effective priority must fall
 * strictly below the best backup's, or the VIP never moves (the kubeadm guide's 101/100 with weight
 * -2 works; 110/100 with weight -2 does not). Arithmetic by {@link PriorityPolicy}.
 *
 * <p>Problems are {@link ConfigProblem}s whose key is the instance name, e.g. {@code b.conf: VI_1:
 * check apiserver failing (weight -2) leaves priority 108, still above a.conf's 100: the VIP would
 * never move}. Secrets are compared, never printed.
 */
public final class ClusterCheck {

  /** One node's file: its name as the user wrote it, and its validated configuration. */
  public record NodeFile(String file, DaemonConfig config) {}

  private record Member(NodeFile node, VrrpInstanceConfig instance) {
    String file() {
      return node.file();
    }
  }

  private ClusterCheck() {}

  /** Every cluster-level problem of {@code nodes}, errors and warnings, in a stable order. */
  public static List<ConfigProblem> check(List<NodeFile> nodes) {
    List<ConfigProblem> out = new ArrayList<>();
    for (List<Member> group : group(nodes)) {
      String name = group.get(0).instance().name();
      List<String> files = group.stream().map(Member::file).toList();
      List<String> missing =
          nodes.stream().map(NodeFile::file).filter(f -> !files.contains(f)).toList();
      if (!missing.isEmpty()) {
        out.add(
            warning(
                missing.get(0),
                name,
                "instance "
                    + name
                    + " (VRID "
                    + group.get(0).instance().virtualRouterId()
                    + ") of "
                    + String.join(", ", files)
                    + " is missing from "
                    + String.join(", ", missing)));
      }
      if (group.size() < 2) {
        continue;
      }
      String apart = "the nodes would not form one virtual router";
      same(out, group, "virtual-router-id", i -> i.virtualRouterId(), apart);
      same(out, group, "version", i -> i.version().name().substring(1), apart);
      same(out, group, "advert-interval", i -> i.advertInterval(), apart + " (adverts dropped)");
      same(
          out, group, "virtual-ips", ClusterCheck::vipSet, "a failover would move other addresses");
      same(
          out,
          group,
          "unicast/multicast",
          i -> i.unicast().isPresent() ? "unicast" : "multicast",
          apart);
      authentication(out, group);
      priorities(out, group);
      arithmetic(out, group);
    }
    return out;
  }

  /** Groups the instances of all files: by name first, then by VRID for renamed copies. */
  private static List<List<Member>> group(List<NodeFile> nodes) {
    List<List<Member>> groups = new ArrayList<>();
    for (NodeFile node : nodes) {
      for (VrrpInstanceConfig i : node.config().vrrp().instances()) {
        Member m = new Member(node, i);
        Optional<List<Member>> g =
            groups.stream()
                .filter(x -> x.get(0).instance().name().equals(i.name()) && !hasFile(x, node))
                .findFirst()
                .or(
                    () ->
                        groups.stream()
                            .filter(
                                x ->
                                    x.get(0).instance().virtualRouterId() == i.virtualRouterId()
                                        && x.get(0).instance().family() == i.family()
                                        && !hasFile(x, node))
                            .findFirst());
        if (g.isPresent()) {
          g.get().add(m);
        } else {
          List<Member> fresh = new ArrayList<>();
          fresh.add(m);
          groups.add(fresh);
        }
      }
    }
    return groups;
  }

  private static boolean hasFile(List<Member> group, NodeFile node) {
    return group.stream().anyMatch(m -> m.node() == node);
  }

  private static Object vipSet(VrrpInstanceConfig i) {
    return new TreeSet<>(i.virtualIps().stream().map(VirtualIp::cidr).toList());
  }

  private static void same(
      List<ConfigProblem> out,
      List<Member> group,
      String what,
      Function<VrrpInstanceConfig, Object> value,
      String consequence) {
    Member first = group.get(0);
    Object expected = value.apply(first.instance());
    for (Member m : group.subList(1, group.size())) {
      Object v = value.apply(m.instance());
      if (!Objects.equals(expected, v)) {
        String msg =
            what
                + " "
                + show(v)
                + " differs from "
                + first.file()
                + "'s "
                + show(expected)
                + ": "
                + consequence;
        out.add(error(m.file(), name(m), msg));
      }
    }
  }

  private static String show(Object v) {
    if (v instanceof java.time.Duration d) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
    if (v instanceof TreeSet<?> s) {
      return s.toString();
    }
    return String.valueOf(v).toLowerCase(java.util.Locale.ROOT);
  }

  private static void authentication(List<ConfigProblem> out, List<Member> group) {
    Member first = group.get(0);
    Optional<byte[]> expected =
        first.instance().authentication().map(AuthenticationConfig::wireBytes);
    for (Member m : group.subList(1, group.size())) {
      Optional<byte[]> a = m.instance().authentication().map(AuthenticationConfig::wireBytes);
      if (expected.isPresent() != a.isPresent()) {
        out.add(
            error(
                m.file(),
                name(m),
                "authentication "
                    + (a.isPresent() ? "set" : "not set")
                    + " but "
                    + (expected.isPresent() ? "set" : "not set")
                    + " in "
                    + first.file()
                    + ": adverts would be dropped (auth mismatch)"));
      } else if (a.isPresent() && !Arrays.equals(a.get(), expected.get())) {
        out.add(
            error(
                m.file(),
                name(m),
                "authentication password differs from "
                    + first.file()
                    + "'s (first 8 bytes compared, not shown): adverts would be dropped"));
      }
    }
  }

  private static void priorities(List<ConfigProblem> out, List<Member> group) {
    Map<Integer, List<String>> byPriority = new LinkedHashMap<>();
    for (Member m : group) {
      byPriority.computeIfAbsent(m.instance().priority(), p -> new ArrayList<>()).add(m.file());
    }
    byPriority.forEach(
        (priority, files) -> {
          if (files.size() < 2) {
            return;
          }
          String name = group.get(0).instance().name();
          if (priority == PriorityPolicy.OWNER_PRIORITY) {
            out.add(
                error(
                    files.get(1),
                    name,
                    String.join(" and ", files) + " are all address owners (priority 255)"));
          } else {
            out.add(
                warning(
                    files.get(1),
                    name,
                    String.join(" and ", files)
                        + " have the same priority "
                        + priority
                        + ": the tie is broken by the higher primary IP address"));
          }
        });
  }

  /**
   * For each node N and each thing N tracks with a non-zero weight: N failing that one thing,
   * everything else healthy, against the best node that N would beat when all are healthy.
   */
  private static void arithmetic(List<ConfigProblem> out, List<Member> group) {
    for (Member n : group) {
      int healthy = healthyPriority(n.instance());
      Optional<Member> best =
          group.stream()
              .filter(m -> m != n && healthyPriority(m.instance()) <= healthy)
              .max(
                  (a, b) ->
                      Integer.compare(
                          healthyPriority(a.instance()), healthyPriority(b.instance())));
      if (best.isEmpty()) {
        continue;
      }
      int backup = healthyPriority(best.get().instance());
      for (TrackedCheck t : trackers(n.instance(), HealthState.UP)) {
        if (t.weight() == 0) {
          continue; // FAULT: the master gives the VIP up whatever the priorities
        }
        List<TrackedCheck> failing = new ArrayList<>();
        for (TrackedCheck o : trackers(n.instance(), HealthState.UP)) {
          failing.add(
              o.label().equals(t.label())
                  ? new TrackedCheck(o.label(), o.weight(), HealthState.DOWN)
                  : o);
        }
        int degraded = PriorityPolicy.evaluate(n.instance().priority(), failing).priority();
        if (degraded < backup) {
          if (!best.get().instance().preempt()) {
            out.add(
                warning(
                    n.file(),
                    name(n),
                    t.label()
                        + " failing (weight "
                        + t.weight()
                        + ") drops priority to "
                        + degraded
                        + ", below "
                        + best.get().file()
                        + "'s "
                        + backup
                        + ", but "
                        + best.get().file()
                        + " has preempt = false: the VIP would not move"));
          }
          continue;
        }
        out.add(
            error(
                n.file(),
                name(n),
                t.label()
                    + " failing (weight "
                    + t.weight()
                    + ") leaves priority "
                    + degraded
                    + (degraded == backup ? ", equal to " : ", still above ")
                    + best.get().file()
                    + "'s "
                    + backup
                    + (degraded == backup
                        ? ": whether the VIP moves depends on the IP addresses (ties go to the"
                            + " higher one)"
                        : ": the VIP would never move")));
      }
    }
  }

  private static int healthyPriority(VrrpInstanceConfig i) {
    return PriorityPolicy.evaluate(i.priority(), trackers(i, HealthState.UP)).priority();
  }

  private static List<TrackedCheck> trackers(VrrpInstanceConfig i, HealthState state) {
    List<TrackedCheck> list = new ArrayList<>();
    i.track()
        .checks()
        .forEach(t -> list.add(new TrackedCheck("check " + t.name(), t.weight(), state)));
    i.track()
        .interfaces()
        .forEach(t -> list.add(new TrackedCheck("interface " + t.name(), t.weight(), state)));
    return list;
  }

  private static String name(Member m) {
    return m.instance().name();
  }

  private static ConfigProblem error(String file, String instance, String message) {
    return new ConfigProblem(ConfigProblem.Severity.ERROR, file, 0, instance, message);
  }

  private static ConfigProblem warning(String file, String instance, String message) {
    return new ConfigProblem(ConfigProblem.Severity.WARNING, file, 0, instance, message);
  }
}
