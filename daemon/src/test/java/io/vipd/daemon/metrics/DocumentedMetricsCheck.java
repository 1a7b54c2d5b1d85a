package io.vipd.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.metrics.DocumentedMetrics.Metric;
import io.vipd.daemon.metrics.PrometheusTextParser.Exposition;
import io.vipd.daemon.metrics.PrometheusTextParser.Family;
import java.util.List;

/** Assertions shared by the scrape tests: a documented metric is exported as documented. */
public final class DocumentedMetricsCheck {

  private DocumentedMetricsCheck() {}

  /**
   * Asserts that every metric of {@code documented} has a TYPE line in {@code scrape}, of the
   * documented type, and at least one sample; a prefix needs at least one such family.
   */
  public static void assertExported(Exposition scrape, List<Metric> documented, String text) {
    assertFalse(documented.isEmpty(), "nothing documented to check");
    for (Metric m : documented) {
      if (m.prefix()) {
        assertTrue(
            scrape.families().values().stream()
                .anyMatch(f -> f.declared() && f.name().startsWith(m.name() + "_")),
            m.name() + "_* documented but no such family exported\n" + text);
        continue;
      }
      assertTrue(scrape.hasType(m.name()), m.name() + " documented but has no TYPE line\n" + text);
      Family f = scrape.families().get(m.name());
      if (!m.type().isEmpty()) {
        assertEquals(m.type(), f.type(), m.name() + ": documented type differs from the TYPE line");
      }
      assertFalse(f.samples().isEmpty(), m.name() + " has a TYPE line but no sample\n" + text);
    }
  }
}
