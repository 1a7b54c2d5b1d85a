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
          "  check --config FILE [...] [--host]   (or: check FILE [FILE ...])",
          "                               validate config files; print every problem as",
          "                               file:line: key: found X, expected Y; with several",
          "                               files (one per node) also judge them as one cluster;",
          "                               --host: also judge them against this machine",
          "  status [--admin HOST:PORT] [--token T]",
          "                               show the running daemon's instances, priorities,",
          "                               checks and servers (token also from VIPD_TOKEN or VIPD_ADMIN_TOKEN)",
          "  server drain|disable|enable BACKEND/SERVER [--admin HOST:PORT] [--token T]",
          "                               runtime server state, as haproxy's stats socket:",
          "                               drain and disable take no new connections (existing",
          "                               ones continue), enable takes them again",
          "  server shutdown-sessions BACKEND/SERVER [--admin HOST:PORT] [--token T]",
          "                               close the server's established sessions (after a",
          "                               drain: its clients reconnect to the others)",
          "  server weight BACKEND/SERVER N [--admin HOST:PORT] [--token T]",
          "                               set the weight (0..256) for new connections",
          "  server maxconn BACKEND/SERVER N [--admin HOST:PORT] [--token T]",
          "                               set the most connections it may have (0: no limit);",
          "                               beyond, new ones wait in the backend's queue",
          "  reload [--admin HOST:PORT] [--token T]",
          "                               re-read the running daemon's file and apply it (POST",
          "                               /reload); prints what changed, or why not (exit 1)",
          "  frontend disable|enable FRONTEND [--admin HOST:PORT] [--token T]",
          "                               haproxy's disable/enable frontend: disabled, it refuses",
          "                               new connections (established ones continue) and the",
          "                               proxy check of its backend fails; until enable or reload",
          "  vrrp handover INSTANCE [--wait 10s] [--admin HOST:PORT] [--token T]",
          "                               maintenance: send priority 0, wait until another",
          "                               node is master; this node stays backup (and stays so",
          "                               if none took over: exit 1) until vrrp release",
          "  vrrp release INSTANCE [--admin HOST:PORT] [--token T]",
          "                               end maintenance: an ordinary backup again (it",
          "                               preempts back if its priority is higher)",
          "  import --keepalived FILE [--haproxy FILE]",
          "                               print the equivalent vipd config of keepalived.conf",
          "                               (and haproxy.cfg); what is not carried over is said",
          "  demo [--keep]                three nodes in network namespaces on this machine:",
          "                               election, failover on SIGTERM and SIGKILL (root)",
          "  manifest static-pod [--config FILE] [--image IMAGE]",
          "                               print a static pod for /etc/kubernetes/manifests",
          "                               (image defaults to vipd:VERSION)",
          "  version                      print the version",
          "  help                         print this text",
          "",
          "--config defaults to " + DEFAULT_CONFIG + ". Exit status: 0 ok, 1 invalid",
          "configuration (or a refused runtime operation), 2 usage error.",
          "");

  private Usage() {}
}
