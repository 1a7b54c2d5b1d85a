package io.vipd.daemon.importer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vipd import}: translates a keepalived.conf (and optionally a haproxy.cfg) into an
 * equivalent vipd configuration in HOCON, with a comment for each directive it does not carry over
 * saying why. Pure apart from reading the input files (and small check scripts they name);
 * thread-safe.
 */
public final class ConfigImporter {

  private ConfigImporter() {}

  /**
   * Imports the given files.
   *
   * @param keepalived the keepalived.conf; includes and script files resolve relative to it
   * @param haproxyOrNull the haproxy.cfg, or null to import VRRP only
   * @return the HOCON text, the warnings (parse problems first, then keepalived, then haproxy, each
   *     in output order), and whether the result is usable; never throws for bad input
   */
  public static ImportResult importConfigs(Path keepalived, Path haproxyOrNull) {
    KeepalivedConfig kconf = KeepalivedConfigParser.parse(keepalived);
    HaproxyConfig hconf = haproxyOrNull == null ? null : HaproxyConfigParser.parse(haproxyOrNull);
    List<ParseIssue> issues = new ArrayList<>(kconf.issues());
    if (hconf != null) {
      issues.addAll(hconf.issues());
    }
    boolean readable = issues.stream().noneMatch(ParseIssue::error);

    // haproxy first: keepalived scripts that check haproxy need the frontends.
    ImportNotes haproxyNotes = new ImportNotes();
    HaproxyImporter.Result proxy =
        hconf == null ? null : new HaproxyImporter(hconf, haproxyNotes).translate();
    List<FrontendBind> binds = proxy == null ? List.of() : proxy.binds();
    ImportNotes keepalivedNotes = new ImportNotes();
    Path dir = keepalived.toAbsolutePath().normalize().getParent();
    Set<Integer> serverPorts =
        proxy == null || proxy.proxy() == null ? Set.of() : serverPorts(proxy.proxy(), binds);
    KeepalivedImporter.Result vrrp =
        new KeepalivedImporter(kconf, dir, binds, serverPorts, keepalivedNotes).translate();

    HoconObject root = HoconObject.block();
    header(root, keepalived, haproxyOrNull, issues, readable);
    vrrp.headerComments().forEach(root::comment);
    if (vrrp.instances().isEmpty()) {
      copyComments(vrrp.instances(), root);
    } else {
      root.put("vrrp", HoconObject.block().put("instances", vrrp.instances()));
    }
    if (vrrp.checks().hasMembers()) {
      root.put("checks", vrrp.checks());
    } else {
      vrrp.checks().items().stream()
          .filter(i -> i instanceof HoconObject.Comment)
          .forEach(i -> root.comment(((HoconObject.Comment) i).text()));
    }
    if (proxy != null) {
      proxy.headerComments().forEach(root::comment);
      if (proxy.proxy() != null) {
        root.put("proxy", proxy.proxy());
      }
      if (proxy.statsSocket() != null) {
        root.put("admin", HoconObject.block().put("stats-socket", proxy.statsSocket()));
      }
    }
    List<String> warnings = new ArrayList<>();
    issues.forEach(i -> warnings.add(i.toString()));
    warnings.addAll(keepalivedNotes.warnings());
    warnings.addAll(haproxyNotes.warnings());
    boolean usable = readable && (vrrp.instanceCount() > 0 || !binds.isEmpty());
    return new ImportResult(HoconWriter.write(root), warnings, usable);
  }

  private static void header(
      HoconObject root, Path keepalived, Path haproxy, List<ParseIssue> issues, boolean readable) {
    String sources =
        keepalived.getFileName() + (haproxy == null ? "" : " and " + haproxy.getFileName());
    root.comment("vipd configuration written by 'vipd import' from " + sources + ".");
    root.comment(
        "Review every 'not carried over', 'changed' and 'review' comment, then run vipd check.");
    if (!readable) {
      root.comment("THE INPUT COULD NOT BE READ CORRECTLY; this output is incomplete:");
      issues.stream().filter(ParseIssue::error).forEach(i -> root.comment(i.toString()));
    }
    // Warnings too (an include that matched nothing leaves part of the input out): the output
    // alone must tell the reader what it lacks.
    issues.stream().filter(i -> !i.error()).forEach(i -> root.comment(i.toString()));
  }

  /**
   * The ports the API servers listen on, as far as the imported proxy tells: a script's request to
   * one of them is an API server check (rewritten to /readyz).
   *
   * <p>haproxy on a control-plane node may balance other services as well (etcd on 2379, an
   * ingress), and a curl of those is not of the apiserver. So when some backend looks like the
   * API's, only its servers' ports count: a backend with a server on 6443, or whose name, or the
   * name of a frontend sending to it, mentions api, kube or k8s. When none does, every backend's
   * ports count, as before. The health ports of the other Kubernetes components (etcd 2379/2381,
   * kubelet 10248/10250, ...) never count, whatever the backend.
   */
  static Set<Integer> serverPorts(HoconObject proxy, List<FrontendBind> binds) {
    Map<String, Set<Integer>> byBackend = new LinkedHashMap<>();
    member(proxy, "backends")
        .filter(HoconObject.class::isInstance)
        .map(HoconObject.class::cast)
        .ifPresent(
            backends -> {
              for (HoconObject.Item b : backends.items()) {
                if (b instanceof HoconObject.Member m && m.value() instanceof HoconObject be) {
                  Set<Integer> ports = new TreeSet<>();
                  member(be, "servers").ifPresent(servers -> addPorts(servers, ports));
                  byBackend.put(m.key(), ports);
                }
              }
            });
    Set<String> apiLike = new HashSet<>();
    byBackend.forEach(
        (name, ports) -> {
          boolean named =
              looksLikeApi(name)
                  || binds.stream()
                      .anyMatch(f -> f.backend().equals(name) && looksLikeApi(f.frontend()));
          if (named || ports.contains(6443)) {
            apiLike.add(name);
          }
        });
    Set<Integer> ports = new TreeSet<>();
    byBackend.forEach(
        (name, p) -> {
          if (apiLike.isEmpty() || apiLike.contains(name)) {
            ports.addAll(p);
          }
        });
    ports.removeAll(ScriptClassifier.OTHER_COMPONENT_PORTS);
    return ports;
  }

  private static boolean looksLikeApi(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("api") || n.contains("kube") || n.contains("k8s");
  }

  private static void addPorts(HoconNode servers, Set<Integer> ports) {
    if (!(servers instanceof HoconArray array)) {
      return;
    }
    for (HoconArray.Item item : array.items()) {
      if (item instanceof HoconArray.Element e
          && e.value() instanceof HoconObject server
          && member(server, "address").orElse(null) instanceof HoconValue v) {
        Matcher m = PORT.matcher(v.text());
        if (m.find()) {
          ports.add(Integer.parseInt(m.group(1)));
        }
      }
    }
  }

  private static final Pattern PORT = Pattern.compile(":([0-9]{1,5})\"?$");

  private static Optional<HoconNode> member(HoconObject o, String key) {
    return o.items().stream()
        .filter(i -> i instanceof HoconObject.Member m && m.key().equals(key))
        .map(i -> ((HoconObject.Member) i).value())
        .findFirst();
  }

  private static void copyComments(HoconArray from, HoconObject to) {
    from.items().stream()
        .filter(i -> i instanceof HoconArray.Comment)
        .forEach(i -> to.comment(((HoconArray.Comment) i).text()));
  }
}
