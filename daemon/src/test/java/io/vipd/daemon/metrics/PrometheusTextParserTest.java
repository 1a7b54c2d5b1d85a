package io.vipd.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.metrics.PrometheusTextParser.Exposition;
import io.vipd.daemon.metrics.PrometheusTextParser.MalformedExpositionException;
import io.vipd.daemon.metrics.PrometheusTextParser.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrometheusTextParserTest {

  @Test
  void readsHelpTypeLabelsEscapesSpecialValuesAndTimestamps() throws Exception {
    Exposition e =
        PrometheusTextParser.parse(
            "# HELP vipd_up Whether it is up,\\nwith a \\\\ backslash\n"
                + "# TYPE vipd_up gauge\n"
                + "vipd_up{instance=\"VI_1\",state=\"master\"} 1\n"
                + "vipd_up{instance=\"a \\\"quoted\\\" \\\\ back\\nline\",state=\"x\",} NaN\n"
                + "# a free comment\n"
                + "\n"
                + "# TYPE vipd_sent_total counter\n"
                + "vipd_sent_total 1.5e3 1700000000000\n"
                + "vipd_inf +Inf\n"
                + "vipd_neg{a=\"\"} -Inf\n"
                + "# TYPE rpc_seconds histogram\n"
                + "rpc_seconds_bucket{le=\"0.1\"} 3\n"
                + "rpc_seconds_bucket{le=\"+Inf\"} 4\n"
                + "rpc_seconds_sum 0.25\n"
                + "rpc_seconds_count 4\n");
    assertTrue(e.hasType("vipd_up"));
    assertEquals("gauge", e.families().get("vipd_up").type());
    assertEquals("Whether it is up,\nwith a \\ backslash", e.families().get("vipd_up").help());
    List<Sample> up = e.samples("vipd_up");
    assertEquals(2, up.size());
    assertEquals(Map.of("instance", "VI_1", "state", "master"), up.get(0).labels());
    assertEquals("a \"quoted\" \\ back\nline", up.get(1).labels().get("instance"));
    assertTrue(Double.isNaN(up.get(1).value()));
    Sample sent = e.samples("vipd_sent_total").get(0);
    assertEquals(1500.0, sent.value());
    assertEquals(1700000000000L, sent.timestampMillis().getAsLong());
    assertEquals(Double.POSITIVE_INFINITY, e.value("vipd_inf").orElseThrow());
    assertEquals(Double.NEGATIVE_INFINITY, e.value("vipd_neg", "a", "").orElseThrow());
    assertFalse(e.hasType("vipd_inf"), "untyped without a TYPE line");
    assertEquals("untyped", e.families().get("vipd_inf").type());
    assertEquals(4, e.samples("rpc_seconds").size(), "histogram series join their family");
    assertEquals(3.0, e.value("rpc_seconds_bucket", "le", "0.1").orElseThrow());
    assertTrue(e.value("vipd_up", "state", "backup").isEmpty());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "vipd_up",
        "vipd_up 1 2 3",
        "vipd_up one",
        "vipd_up Infinity",
        "vipd_up 0x10",
        "vipd_up 1 12.5",
        "9vipd 1",
        "vipd-up 1",
        "vipd_up{a=\"1\" 1",
        "vipd_up{a=1} 1",
        "vipd_up{a=\"1} 1",
        "vipd_up{a=\"\\x\"} 1",
        "vipd_up{1a=\"1\"} 1",
        "vipd_up{a=\"1\"b=\"2\"} 1",
        "vipd_up{a=\"1\",a=\"2\"} 1",
        "vipd_up{a=\"1\"}1",
        "# TYPE vipd_up",
        "# TYPE vipd_up meter",
        "# TYPE vipd_up gauge\n# TYPE vipd_up gauge",
        "# HELP vipd_up a\n# HELP vipd_up b",
        "# HELP vipd_up bad \\t escape",
        "vipd_up 1\n# TYPE vipd_up gauge",
        "vipd_up{a=\"1\"} 1\nvipd_up{a=\"1\"} 2",
      })
  void refusesMalformedExpositions(String text) {
    MalformedExpositionException e =
        assertThrows(MalformedExpositionException.class, () -> PrometheusTextParser.parse(text));
    assertTrue(e.getMessage().startsWith("line "), e.getMessage());
  }

  @Test
  void namesTheLineOfTheFirstProblem() {
    MalformedExpositionException e =
        assertThrows(
            MalformedExpositionException.class,
            () -> PrometheusTextParser.parse("# TYPE a gauge\na 1\nb{x=\"y\"} oops\n"));
    assertTrue(e.getMessage().startsWith("line 3: bad value 'oops'"), e.getMessage());
  }
}
