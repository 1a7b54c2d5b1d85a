package io.vipd.daemon.manifest;

/**
 * Where {@code deploy/image/build.sh} puts things in the container image; the static pod runs these
 * paths.
 */
public final class ImageLayout {

  /** The jlink runtime's java launcher. */
  public static final String JAVA = "/opt/java/bin/java";

  /** The application jar. */
  public static final String JAR = "/usr/share/vipd/vipd.jar";

  private ImageLayout() {}
}
