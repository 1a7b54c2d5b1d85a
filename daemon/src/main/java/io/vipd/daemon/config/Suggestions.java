package io.vipd.daemon.config;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" for misspelt keys and names, by Levenshtein edit distance. */
final class Suggestions {

  private Suggestions() {}

  /**
   * The candidate closest to {@code typed}, if it is close enough to be a plausible typo: at most
   * one edit for words up to 4 characters, two up to 8, three beyond.
   */
  static Optional<String> closest(String typed, Collection<String> candidates) {
    int budget = typed.length() <= 4 ? 1 : typed.length() <= 8 ? 2 : 3;
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d =
          distance(typed.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    if (best != null && bestDistance <= budget) {
      return Optional.of(best);
    }
    return abbreviated(typed, candidates);
  }

  /**
   * The one candidate that {@code typed} abbreviates, such as advert-int for advert-interval
   * (keepalived's {@code advert_int}): too many edits for a typo, but plainly meant.
   */
  private static Optional<String> abbreviated(String typed, Collection<String> candidates) {
    if (typed.length() < 4) {
      return Optional.empty();
    }
    String t = typed.toLowerCase(java.util.Locale.ROOT);
    String found = null;
    for (String c : candidates) {
      if (c.toLowerCase(java.util.Locale.ROOT).startsWith(t)) {
        if (found != null) {
          return Optional.empty();
        }
        found = c;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Classic edit distance (insert, delete, substitute, each cost 1). */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** {@code ", did you mean X?"} or the empty string. */
  static String hint(String typed, Collection<String> candidates) {
    return closest(typed, candidates).map(s -> ", did you mean " + s + "?").orElse("");
  }
}
