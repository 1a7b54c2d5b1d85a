package io.vipd.daemon.cli;

/** The help text. */
final class Usage {

  static final String DEFAULT_CONFIG = "/etc/vipd/vipd.conf";

  static final String TEXT =
      String.join(
          "\n",
          "usage: vipd COMMAND [OPTIONS]",
          "",
          "VRRP virtual IPs and a TCP load balancer for Kubernetes control planes.",
          "",
          "commands:",
          "  run --config FILE            run the daemon in the foreground, logging to stdout",
          "  check --config FILE [...]    validate config files; print every problem as",
          "                               file:line: key: found X, expected Y",
          "  import --keepalived FILE [--haproxy FILE]",
          "                               print the equivalent vipd config of keepalived.conf",
          "                               (and haproxy.cfg); what is not carried over is said",
          "  manifest static-pod [--config FILE] [--image IMAGE]",
          "                               print a static pod for /etc/kubernetes/manifests",
          "                               (image defaults to vipd:VERSION)",
          "  version                      print the version",
          "  help                         print this text",
          "",
          "coming (not implemented in this version):",
          "  status [--admin HOST:PORT]                  show the running daemon's state",
          "  demo                                        show VIP and proxy at work in netns",
          "",
          "--config defaults to " + DEFAULT_CONFIG + ". Exit status: 0 ok, 1 invalid",
          "configuration, 2 usage error or command not available.",
          "");

  private Usage() {}
}
