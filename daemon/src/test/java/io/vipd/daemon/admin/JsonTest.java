package io.vipd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void writerOutputParsesBack() {
    String doc =
        new JsonWriter()
            .beginObject()
            .field("s", "quote \" back\\slash \n tab\t \u0001")
            .field("n", -42)
            .field("b", true)
            .name("d")
            .value(1.5)
            .name("nan")
            .value(Double.NaN)
            .name("a")
            .beginArray()
            .value("x")
            .beginObject()
            .endObject()
            .beginArray()
            .endArray()
            .endArray()
            .endObject()
            .toString();
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("s", "quote \" back\\slash \n tab\t \u0001");
    expected.put("n", -42L);
    expected.put("b", true);
    expected.put("d", 1.5);
    expected.put("nan", null);
    expected.put("a", Arrays.asList("x", Map.of(), List.of()));
    assertEquals(expected, JsonReader.parse(doc));
  }

  @Test
  void malformedInputIsRefusedWithTheOffset() {
    for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "tru", "{} x", "\"\\q\"", "[01x]")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(bad), bad);
      assertEquals(true, e.getMessage().startsWith("bad JSON at offset "), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("[".repeat(100)));
  }
}
