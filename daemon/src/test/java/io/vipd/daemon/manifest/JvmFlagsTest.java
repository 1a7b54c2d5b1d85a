package io.vipd.daemon.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped flags start the running JDK and each one it knows is in effect: {@code
 * -XX:+IgnoreUnrecognizedVMOptions} would otherwise hide a misspelt flag.
 */
class JvmFlagsTest {

  @Test
  void everyShippedFlagTakesEffectOnThisJdk() throws Exception {
    Map<String, String> set = flagsSetOnTheCommandLine();
    assertEquals("true", set.get("UseSerialGC"), "serial collector");
    assertEquals(String.valueOf(16L << 20), set.get("InitialHeapSize"), "-Xms16m");
    assertEquals(String.valueOf(128L << 20), set.get("MaxHeapSize"), "-Xmx128m");
    assertEquals(String.valueOf(96L << 20), set.get("MaxMetaspaceSize"), "metaspace cap");
    assertEquals("true", set.get("ExitOnOutOfMemoryError"));
    assertEquals("5000", set.get("TrimNativeHeapInterval"), "this JDK (17.0.15+) trims");
    if (Runtime.version().feature() >= 25) {
      assertEquals("true", set.get("UseCompactObjectHeaders"));
    }
  }

  /**
   * The flags {@code java DEFAULT -XX:+PrintFlagsFinal -version} reports as from the command line.
   */
  private static Map<String, String> flagsSetOnTheCommandLine() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(JvmFlags.DEFAULT);
    cmd.add("-XX:+PrintFlagsFinal");
    cmd.add("-version");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -version did not end");
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    // e.g. "     bool UseSerialGC                              = true        {product} {command
    // line}"
    Pattern line =
        Pattern.compile("^\\s*\\S+\\s+(\\w+)\\s+:?=\\s+(\\S+)\\s+\\{[^}]*\\}\\s+\\{(.*)\\}");
    Map<String, String> set = new HashMap<>();
    for (String l : text.split("\n")) {
      Matcher m = line.matcher(l);
      if (m.find() && m.group(3).contains("command line")) {
        set.put(m.group(1), m.group(2));
      }
    }
    assertTrue(!set.isEmpty(), "no flag from the command line in:\n" + text);
    return set;
  }
}
