package io.vipd.daemon.demo;

import java.util.List;

/**
 * The demo's steps in order; the LAN, nodes, narration and cleanup are shared through {@link
 * DemoContext}.
 */
final class DemoScript {

  /** Number of vipd nodes in the demo. */
  static final int NODES = 3;

  private DemoScript() {}

  /**
   * Apiserver stand-ins behind each node's proxy, election, where proxied requests land, SIGTERM
   * failover, requests again, SIGKILL failover, requests again, log evidence. Without {@code
   * keytool} the apiserver and request steps do nothing and the demo is VRRP only.
   */
  static List<DemoStep> steps() {
    return List.of(
        new ApiServersStep(),
        new StartNodesStep(NODES),
        new ElectionStep(),
        new ProxyRequestsStep("after the election"),
        new FailoverStep(FailoverStep.Signal.TERM),
        new ProxyRequestsStep("after SIGTERM"),
        new FailoverStep(FailoverStep.Signal.KILL),
        new ProxyRequestsStep("after SIGKILL"),
        new EvidenceStep());
  }
}
