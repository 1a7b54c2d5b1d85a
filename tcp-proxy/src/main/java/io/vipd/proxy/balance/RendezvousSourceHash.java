package io.vipd.proxy.balance;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Weighted rendezvous (highest random weight) hashing of the client address. Each server scores
 * {@code -weight / ln(u)} where {@code u} in (0,1) is a hash of (server key, client hash); the top
 * score wins. A server that goes away only loses its own clients and every other client keeps its
 * server, which is what {@code balance source} + {@code hash-type consistent} promises in haproxy.
 * Stateless and lock-free.
 */
final class RendezvousSourceHash implements Balancer {
  private final int[] weights;
  private final long[] keyHashes;

  RendezvousSourceHash(int[] weights, List<String> keys) {
    this.weights = weights.clone();
    this.keyHashes = new long[keys.size()];
    for (int i = 0; i < keyHashes.length; i++) {
      keyHashes[i] = hash(keys.get(i).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public int pick(Candidates candidates, long sourceHash) {
    int best = NONE;
    double bestScore = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] == 0 || !candidates.eligible(i)) {
        continue;
      }
      double score = weights[i] / -Math.log(unit(mix(keyHashes[i] ^ mix(sourceHash))));
      if (best == NONE || score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  @Override
  public int size() {
    return weights.length;
  }

  /** Maps a 64-bit hash to the open interval (0, 1) using its top 53 bits. */
  private static double unit(long h) {
    return ((h >>> 11) + 0.5) * 0x1.0p-53;
  }

  /** Finaliser of SplitMix64: a bijective, well-avalanched 64-bit mix. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** 64-bit FNV-1a, then mixed. */
  static long hash(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }
}
