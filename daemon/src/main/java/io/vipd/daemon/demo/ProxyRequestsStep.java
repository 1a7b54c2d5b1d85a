package io.vipd.daemon.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where proxied requests land: the client on the bridge sends a few HTTPS GETs to {@code
 * https://VIP:8443/}, each on a new connection ({@link DemoClient}, a JVM in the bridge namespace),
 * and the narration shows which node's apiserver answered (round-robin over all three) and which
 * node's proxy forwarded it (the apiserver sees the proxy's address): always the VIP holder.
 */
final class ProxyRequestsStep implements DemoStep {

  /** Requests per round: two turns of the round-robin over three servers. */
  static final int REQUESTS = 6;

  private static final Pattern ANSWER = Pattern.compile("answer n(\\d+) via (\\S+)");

  /** The client waits this long for a first answer (server checks rising after a start). */
  private static final Duration FIRST_ANSWER = Duration.ofSeconds(15);

  private final String when;

  /**
   * @param when how the narration calls this moment, e.g. "after the election"
   */
  ProxyRequestsStep(String when) {
    this.when = when;
  }

  @Override
  public void run(DemoContext ctx) throws DemoFailure {
    if (!ctx.proxying()) {
      return;
    }
    String url = "https://" + DemoContext.VIP + ":" + DemoContext.PROXY_PORT + "/";
    ctx.say()
        .step(
            "where proxied requests land "
                + when
                + ": "
                + REQUESTS
                + " HTTPS GETs to "
                + url
                + " from the client, each on a new connection");
    List<String> argv =
        new ArrayList<>(List.of("ip", "netns", "exec", ctx.lan().bridgeNamespace()));
    argv.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(
        List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx64m", "-cp"));
    argv.add(System.getProperty("java.class.path"));
    argv.addAll(
        List.of(
            DemoClient.class.getName(),
            url,
            Integer.toString(REQUESTS),
            Long.toString(FIRST_ANSWER.toMillis())));
    Commands.Result r = Commands.run(Duration.ofSeconds(90), argv);
    if (r.exitCode() != 0) {
      throw new DemoFailure("the HTTPS client failed: " + (r.stderr() + r.stdout()).trim());
    }
    List<Integer> answeredBy = new ArrayList<>();
    Set<Integer> proxiedBy = new TreeSet<>();
    for (String line : r.stdout().lines().toList()) {
      Matcher m = ANSWER.matcher(line);
      if (!m.matches()) {
        throw new DemoFailure("request to " + url + " " + when + " " + line);
      }
      int node = Integer.parseInt(m.group(1));
      int proxy = nodeOf(ctx, m.group(2));
      answeredBy.add(node);
      proxiedBy.add(proxy);
      ctx.say()
          .detail(
              "answered by node "
                  + node
                  + "'s apiserver, forwarded by node "
                  + proxy
                  + "'s proxy (the apiserver saw the connection come from "
                  + m.group(2)
                  + ")");
    }
    if (answeredBy.size() != REQUESTS) {
      throw new DemoFailure("the client printed " + answeredBy.size() + " answers: " + r.stdout());
    }
    if (!proxiedBy.equals(Set.of(ctx.holder()))) {
      throw new DemoFailure(
          "requests were forwarded by nodes "
              + proxiedBy
              + ", expected only the VIP holder, node "
              + ctx.holder());
    }
    Set<Integer> distinct = new TreeSet<>(answeredBy);
    ctx.say()
        .detail(
            "every request went through node "
                + ctx.holder()
                + " (the VIP holder); "
                + (distinct.size() > 1
                    ? "its proxy spread them over nodes " + distinct + " (round-robin)"
                    : "all answered by node " + distinct.iterator().next()));
    ctx.summary("proxied " + when + ": via node " + ctx.holder() + " to nodes " + answeredBy);
  }

  /** The node whose address is {@code ip}; the VIP counts as its holder's. */
  private static int nodeOf(DemoContext ctx, String ip) throws DemoFailure {
    if (ip.equals(DemoContext.VIP)) {
      return ctx.holder();
    }
    for (int i = 1; i <= ctx.lan().nodes(); i++) {
      if (DemoLan.address(i).equals(ip)) {
        return i;
      }
    }
    throw new DemoFailure("a request came from " + ip + ", no node of the demo");
  }
}
