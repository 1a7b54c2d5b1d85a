package io.vipd.daemon.demo;

import java.util.List;

/**
 * The demo's steps in order. To show the proxy as well, add steps here (e.g. start apiserver
 * stand-ins in the node namespaces, then send requests through the VIP before and after each
 * failover); the LAN, nodes, narration and cleanup are shared through {@link DemoContext}.
 */
final class DemoScript {

  /** Number of vipd nodes in the demo. */
  static final int NODES = 3;

  private DemoScript() {}

  /** VRRP only: election, SIGTERM failover, SIGKILL failover, log evidence. */
  static List<DemoStep> vrrp() {
    return List.of(
        new StartNodesStep(NODES),
        new ElectionStep(),
        new FailoverStep(FailoverStep.Signal.TERM),
        new FailoverStep(FailoverStep.Signal.KILL),
        new EvidenceStep());
  }
}
