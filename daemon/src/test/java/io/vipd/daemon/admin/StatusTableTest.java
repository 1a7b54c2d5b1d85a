package io.vipd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The FRR-like instance block of {@code vipd status}, from a {@code /status} document. */
class StatusTableTest {

  private static final String DOC =
      "{\"ready\":true,\"notReady\":[],\"checks\":[],\"proxy\":null,\"instances\":[{"
          + "\"name\":\"VI_1\",\"interface\":\"eth0\",\"vrid\":51,\"state\":\"master\","
          + "\"priority\":100,\"effectivePriority\":98,\"master\":\"10.0.0.11\","
          + "\"masterIsSelf\":true,\"syncGroup\":\"DS\",\"version\":3,"
          + "\"advertIntervalMillis\":1000.0,"
          + "\"masterAdverIntervalMillis\":1000.0,\"skewTimeMillis\":617.1875,"
          + "\"masterDownIntervalMillis\":3617.1875,"
          + "\"lastTransition\":{\"from\":\"backup\",\"to\":\"master\","
          + "\"reason\":\"master down timer expired\",\"atEpochMillis\":1,\"agoMillis\":12345},"
          + "\"breakdown\":\"base 100, check flag failed (-2) -> 98\",\"trackers\":[],"
          + "\"mastersSeen\":[\"10.0.0.12\",\"10.0.0.11\"],\"advertsSent\":14,"
          + "\"advertsReceived\":3,\"garpsSent\":5,\"transitions\":2,\"drops\":1,"
          + "\"sendErrors\":0}]}";

  @Test
  void instanceBlockLooksLikeShowVrrp() {
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) JsonReader.parse(DOC);
    String text = StatusTable.render(doc);
    String expected =
        "vipd: ready\n"
            + "\n"
            + "VRRP instance VI_1\n"
            + " Interface                       eth0\n"
            + " Virtual Router ID               51\n"
            + " Protocol Version                3\n"
            + " State                           MASTER\n"
            + " Sync Group                      DS\n"
            + " Priority                        100\n"
            + " Effective Priority              98 (base 100, check flag failed (-2) -> 98)\n"
            + " Master                          10.0.0.11 (this node)\n"
            + " Advertisement Interval          1000 ms\n"
            + " Master Advertisement Interval   1000 ms\n"
            + " Skew Time                       617.188 ms\n"
            + " Master Down Interval            3617.188 ms\n"
            + " Adverts Sent / Received         14 / 3\n"
            + " Adverts Dropped                 1\n"
            + " Send Errors                     0\n"
            + " Gratuitous ARP/NA Sent          5\n"
            + " Transitions                     2\n"
            + " Last Transition                 BACKUP -> MASTER 12s ago (master down timer"
            + " expired)\n"
            + " Masters Seen                    10.0.0.12, 10.0.0.11\n";
    assertEquals(expected, text);
  }

  @Test
  void agesAreCompact() {
    assertEquals("0s ago", InstanceBlock.ago(999));
    assertEquals("59s ago", InstanceBlock.ago(59_999));
    assertEquals("3m04s ago", InstanceBlock.ago(184_000));
    assertEquals("2h05m ago", InstanceBlock.ago((2 * 3600 + 5 * 60 + 7) * 1000L));
    assertEquals("3d04h ago", InstanceBlock.ago((3 * 86400 + 4 * 3600) * 1000L));
  }

  @Test
  void missingTimersShowAsDashes() {
    @SuppressWarnings("unchecked")
    Map<String, Object> doc =
        (Map<String, Object>)
            JsonReader.parse(
                "{\"ready\":false,\"notReady\":[\"VRRP instance VI_1 not running\"],"
                    + "\"instances\":[{\"name\":\"VI_1\",\"state\":\"initialize\","
                    + "\"version\":0,\"lastTransition\":null,\"master\":null}]}");
    String text = StatusTable.render(doc);
    assertTrue(text.contains(" Master Down Interval            -\n"), text);
    assertTrue(text.contains(" Last Transition                 -\n"), text);
    assertTrue(text.contains(" Master                          -\n"), text);
  }

  @Test
  void aServerInItsSlowStartShowsItsThrottle() {
    @SuppressWarnings("unchecked")
    java.util.List<Map<String, Object>> servers =
        (java.util.List<Map<String, Object>>)
            JsonReader.parse(
                "[{\"backend\":\"be\",\"name\":\"a\",\"up\":true,\"adminState\":\"ready\","
                    + "\"weight\":1,\"throttle\":35,\"backup\":false},"
                    + "{\"backend\":\"be\",\"name\":\"b\",\"up\":true,\"adminState\":\"ready\","
                    + "\"weight\":1,\"throttle\":100,\"backup\":false}]");
    StringBuilder sb = new StringBuilder();
    ProxyStatTable.servers(servers).appendTo(sb);
    String text = sb.toString();
    assertTrue(text.matches("(?s).*\\nbe/a\\s+UP \\(slowstart 35%\\)\\s+1\\s.*"), text);
    assertTrue(text.matches("(?s).*\\nbe/b\\s+UP\\s+1\\s.*"), text);
  }

  @Test
  void aFrontendRowShowsItsBackendsQueue() {
    @SuppressWarnings("unchecked")
    java.util.List<Map<String, Object>> frontends =
        (java.util.List<Map<String, Object>>)
            JsonReader.parse(
                "[{\"name\":\"api\",\"backend\":\"be\",\"activeConnections\":2,"
                    + "\"accepted\":9,\"refused\":0,\"bytesIn\":10,\"bytesOut\":20}]");
    @SuppressWarnings("unchecked")
    java.util.List<Map<String, Object>> backends =
        (java.util.List<Map<String, Object>>) JsonReader.parse("[{\"name\":\"be\",\"queued\":3}]");
    StringBuilder sb = new StringBuilder();
    ProxyStatTable.frontends(frontends, backends).appendTo(sb);
    String text = sb.toString();
    assertTrue(text.matches("(?s).*QUEUED\\n.*"), text);
    assertTrue(text.matches("(?s).*\\napi\\s+be\\s+2\\s+9\\s+0\\s+10\\s+20\\s+3\\n.*"), text);
  }
}
