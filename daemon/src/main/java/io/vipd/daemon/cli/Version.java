package io.vipd.daemon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, from the jar manifest or Maven's pom.properties. */
public final class Version {

  private Version() {}

  public static String get() {
    String v = Version.class.getPackage().getImplementationVersion();
    if (v != null) {
      return v;
    }
    try (InputStream in =
        Version.class.getResourceAsStream("/META-INF/maven/io.vipd/daemon/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "dev");
      }
    } catch (IOException e) {
      // fall through: a version string is not worth failing for
    }
    return "dev";
  }
}
