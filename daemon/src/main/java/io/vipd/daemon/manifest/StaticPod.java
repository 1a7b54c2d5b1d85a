package io.vipd.daemon.manifest;

import io.vipd.daemon.config.AdminConfig;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.FeatureStatus;
import io.vipd.daemon.config.FrontendConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders a Kubernetes static pod (for {@code /etc/kubernetes/manifests}) that runs vipd with a
 * configuration read from the host: host network, {@code system-node-critical}, only the
 * capabilities the configuration needs, a liveness probe on the admin {@code /healthz} when the
 * admin endpoint can serve it, and resource requests from measurement. The YAML is written as text
 * (no YAML library); every scalar that could be misread is quoted. Stateless.
 */
public final class StaticPod {

  /**
   * Memory request: idle RSS of vipd with {@link JvmFlags#DEFAULT} measured at 72-76 MiB by {@code
   * bench/footprint/run.sh} (one VRRP instance, one frontend), plus headroom for connections.
   */
  static final String MEMORY_REQUEST = "96Mi";

  /** CPU request: idle use is near zero; this reserves room for health checks and relaying. */
  static final String CPU_REQUEST = "100m";

  /** What the stop takes besides the drain: priority 0, the VIPs' removal (bounded at 20 s). */
  private static final long STOP_MARGIN_SECONDS = 25;

  private static final long KUBELET_DEFAULT_GRACE_SECONDS = 30;

  private StaticPod() {}

  /**
   * The manifest.
   *
   * @param config the validated configuration, read from {@code config.source()}
   * @param image the container image, e.g. {@code vipd:0.1.0}
   * @param version the vipd version, for the header and the version label
   */
  public static String render(DaemonConfig config, String image, String version) {
    return render(config, image, version, FeatureStatus.isActive(FeatureStatus.Feature.ADMIN));
  }

  /**
   * As {@link #render(DaemonConfig, String, String)}, stating whether this build's admin endpoint
   * serves {@code /healthz} at all (a probe against a port nobody listens on would restart vipd
   * forever).
   */
  static String render(DaemonConfig config, String image, String version, boolean adminServes) {
    Path file = config.source().toAbsolutePath().normalize();
    Path dir = file.getParent();
    Yaml y = new Yaml();
    y.comment("vipd static pod, rendered by vipd " + version + " from " + file + ".");
    y.comment(
        "Copy to /etc/kubernetes/manifests/vipd.yaml on each control-plane node; the kubelet");
    y.comment("runs it before the API server exists. The config stays on the host (" + dir + ");");
    y.comment("files it names elsewhere (ca-file, scripts) need their own hostPath mounts.");
    y.line(0, "apiVersion: v1");
    y.line(0, "kind: Pod");
    y.line(0, "metadata:");
    y.line(1, "name: vipd");
    y.line(1, "namespace: kube-system");
    y.line(1, "labels:");
    y.line(2, "app.kubernetes.io/name: vipd");
    y.line(2, "app.kubernetes.io/version: " + Yaml.quote(version));
    y.line(0, "spec:");
    y.comment(1, "VRRP, the VIPs and the frontends live in the node's network namespace.");
    y.line(1, "hostNetwork: true");
    y.line(1, "priorityClassName: system-node-critical");
    long grace = config.proxy().drainGrace().toSeconds() + STOP_MARGIN_SECONDS;
    if (grace > KUBELET_DEFAULT_GRACE_SECONDS) {
      y.comment(1, "The stop drains for proxy.drain-grace after the VIP left, then ends: kubelet");
      y.comment(1, "must not kill it sooner (its default is 30 s).");
      y.line(1, "terminationGracePeriodSeconds: " + grace);
    }
    y.line(1, "containers:");
    y.line(1, "- name: vipd");
    y.line(2, "image: " + Yaml.quote(image));
    y.line(2, "imagePullPolicy: IfNotPresent");
    y.line(2, "command:");
    y.item(2, ImageLayout.JAVA);
    for (String flag : JvmFlags.DEFAULT) {
      y.item(2, flag);
    }
    y.item(2, "-jar");
    y.item(2, ImageLayout.JAR);
    y.line(2, "args:");
    y.item(2, "run");
    y.item(2, "--config");
    y.item(2, file.toString());
    y.line(2, "securityContext:");
    y.comment(
        3, "Root inside the container, but only these capabilities: Kubernetes does not raise");
    y.comment(3, "added capabilities into the effective set of a non-root user.");
    y.line(3, "runAsUser: 0");
    y.line(3, "allowPrivilegeEscalation: false");
    y.line(3, "readOnlyRootFilesystem: true");
    y.line(3, "capabilities:");
    y.line(4, "drop:");
    y.item(4, "ALL");
    y.line(4, "add:");
    for (String c : capabilities(config)) {
      y.item(4, c);
    }
    probe(y, config, adminServes);
    y.line(2, "resources:");
    y.comment(
        3, "Measured idle RSS 72-76 MiB (bench/footprint/run.sh). No limit: an OOM kill of the");
    y.comment(
        3, "VIP holder costs a failover; -Xmx128m and MaxMetaspaceSize bound the JVM instead.");
    y.line(3, "requests:");
    y.line(4, "cpu: " + CPU_REQUEST);
    y.line(4, "memory: " + MEMORY_REQUEST);
    y.line(2, "volumeMounts:");
    y.line(2, "- name: config");
    y.line(3, "mountPath: " + Yaml.quote(dir.toString()));
    y.line(3, "readOnly: true");
    y.comment(2, "jnr-ffi unpacks its native stub into /tmp.");
    y.line(2, "- name: tmp");
    y.line(3, "mountPath: /tmp");
    Optional<Path> socketDir = statsSocketDirectory(config);
    socketDir.ifPresent(
        d -> {
          y.comment(2, "The stats socket, where the host's scripts and exporters reach it.");
          y.line(2, "- name: stats-socket");
          y.line(3, "mountPath: " + Yaml.quote(d.toString()));
        });
    if (socketDir.isEmpty() && config.admin().statsSocket().path().isPresent()) {
      y.comment(
          2, "The stats socket's directory is not mounted (it is shared or read-only here): give");
      y.comment(2, "admin.stats-socket.path a directory of its own, e.g. /run/vipd/admin.sock.");
    }
    y.line(1, "volumes:");
    y.line(1, "- name: config");
    y.line(2, "hostPath:");
    y.line(3, "path: " + Yaml.quote(dir.toString()));
    y.line(3, "type: Directory");
    y.line(1, "- name: tmp");
    y.line(2, "emptyDir:");
    y.line(3, "medium: Memory");
    y.line(3, "sizeLimit: 16Mi");
    socketDir.ifPresent(
        d -> {
          y.line(1, "- name: stats-socket");
          y.line(2, "hostPath:");
          y.line(3, "path: " + Yaml.quote(d.toString()));
          y.line(3, "type: DirectoryOrCreate");
        });
    return y.toString();
  }

  /**
   * The directory of {@code admin.stats-socket.path} to mount from the host, when a socket is
   * configured in a directory of its own: not the configuration's (mounted read-only) nor /tmp (the
   * pod's own), and not a directory that would hand the container the host's other sockets.
   */
  static Optional<Path> statsSocketDirectory(DaemonConfig config) {
    Path configDir = config.source().toAbsolutePath().normalize().getParent();
    return config
        .admin()
        .statsSocket()
        .path()
        .map(p -> p.toAbsolutePath().normalize().getParent())
        .filter(d -> d != null && !d.equals(configDir) && !SHARED_DIRECTORIES.contains(d));
  }

  private static final List<Path> SHARED_DIRECTORIES =
      List.of(Path.of("/"), Path.of("/run"), Path.of("/var/run"), Path.of("/tmp"), Path.of("/var"));

  /** NET_ADMIN and NET_RAW for VRRP; NET_BIND_SERVICE when a frontend listens below 1024. */
  static List<String> capabilities(DaemonConfig config) {
    List<String> caps = new ArrayList<>(List.of("NET_ADMIN", "NET_RAW"));
    boolean lowPort =
        config.proxy().frontends().stream()
            .map(FrontendConfig::bind)
            .anyMatch(b -> b.port() < 1024);
    AdminConfig admin = config.admin();
    if (lowPort || (admin.enabled() && admin.bind().port() > 0 && admin.bind().port() < 1024)) {
      caps.add("NET_BIND_SERVICE");
    }
    return caps;
  }

  private static void probe(Yaml y, DaemonConfig config, boolean adminServes) {
    AdminConfig admin = config.admin();
    String why = null;
    if (!adminServes) {
      why = "this version of vipd does not serve the admin endpoint yet";
    } else if (!admin.enabled()) {
      why = "the admin endpoint is disabled (admin.enabled = false)";
    } else if (admin.bind().port() == 0) {
      why = "admin.bind has port 0 (a random port the kubelet cannot know)";
    }
    // admin.token guards every endpoint but /healthz: the probe needs no token
    if (why != null) {
      y.comment(2, "No liveness probe: " + why + ";");
      y.comment(2, "the kubelet restarts vipd only when it exits.");
      return;
    }
    String host = admin.bind().host();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("::")) {
      host = "::1";
    }
    y.comment(2, "The admin endpoint (admin.bind = " + admin.bind() + ") answers /healthz.");
    y.line(2, "livenessProbe:");
    y.line(3, "httpGet:");
    y.line(4, "host: " + Yaml.quote(host));
    y.line(4, "path: /healthz");
    y.line(4, "port: " + admin.bind().port());
    y.line(4, "scheme: HTTP");
    y.line(3, "initialDelaySeconds: 10");
    y.line(3, "periodSeconds: 10");
    y.line(3, "timeoutSeconds: 2");
    y.line(3, "failureThreshold: 3");
  }
}
