package io.vipd.daemon.demo;

/**
 * One part of the demo's story: it acts on the cluster, measures, narrates, and throws {@link
 * DemoFailure} when what it shows does not happen. Steps run in order on the main thread; see
 * {@link DemoScript}.
 */
interface DemoStep {

  void run(DemoContext ctx) throws DemoFailure;
}
