package io.vipd.bench;

import io.vipd.proxy.balance.BalanceAlgorithm;
import io.vipd.proxy.balance.Balancer;
import io.vipd.proxy.balance.Candidates;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Cost of one {@link Balancer#pick} per algorithm over a kube-apiserver-sized pool. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BalancerPickBenchmark {

  @Param({"ROUNDROBIN", "LEASTCONN", "SOURCE", "RANDOM"})
  public BalanceAlgorithm algorithm;

  @Param({"3", "16"})
  public int servers;

  private Balancer balancer;
  private final int[] active = new int[64];
  private final Candidates candidates =
      new Candidates() {
        @Override
        public boolean eligible(int index) {
          return index != 1; // one server down
        }

        @Override
        public int activeConnections(int index) {
          return active[index];
        }
      };
  private long source;

  @Setup
  public void setUp() {
    int[] weights = new int[servers];
    String[] keys = new String[servers];
    for (int i = 0; i < servers; i++) {
      weights[i] = 1 + i % 3;
      keys[i] = "apiserver-" + i;
      active[i] = 7 * i % 5;
    }
    balancer = algorithm.newBalancer(weights, List.of(keys), new SplittableRandom(42));
  }

  @Benchmark
  public int pick() {
    source += 0x9E3779B97F4A7C15L;
    return balancer.pick(candidates, source);
  }
}
