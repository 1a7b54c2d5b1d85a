package io.vipd.daemon.manifest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds, from the test's runtime classpath, a single runnable jar equivalent to the shaded {@code
 * vipd.jar} (which Maven only builds in the package phase, after the tests): the main classes plus
 * every runtime dependency, {@code META-INF/services} files concatenated, {@code reference.conf}
 * appended, signatures and {@code module-info.class} dropped, {@code Main-Class} and the version
 * from {@code daemon/pom.xml} in the manifest. Test-only entries (JUnit, test classes) are left
 * out.
 */
public final class AppJar {

  private static final Pattern TEST_ONLY =
      Pattern.compile(
          ".*(test-classes|-tests\\.jar|/junit-|/opentest4j-|/apiguardian-|surefire|/bc[a-z]+-jdk).*");

  private AppJar() {}

  /** The daemon module directory (the tests' working directory). */
  public static Path moduleDir() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("src/main/java/io/vipd/daemon"))
        ? here
        : here.resolve("daemon");
  }

  /** The repository root. */
  public static Path repoDir() {
    return moduleDir().getParent();
  }

  /** The project version, from the parent reference in {@code daemon/pom.xml}. */
  public static String version() {
    try {
      String pom = Files.readString(moduleDir().resolve("pom.xml"));
      Matcher m =
          Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL).matcher(pom);
      if (!m.find()) {
        throw new IllegalStateException("no parent version in daemon/pom.xml");
      }
      return m.group(1).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The runtime classpath entries of the daemon, in classpath order. */
  static List<Path> runtimeClasspath() {
    List<Path> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!e.isEmpty() && !TEST_ONLY.matcher(e.replace('\\', '/')).matches()) {
        entries.add(Path.of(e));
      }
    }
    return entries;
  }

  /** Writes the jar to {@code target}. */
  public static Path write(Path target) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<String, ByteArrayOutputStream> merged = new LinkedHashMap<>();
    for (Path entry : runtimeClasspath()) {
      if (Files.isDirectory(entry)) {
        try (Stream<Path> walk = Files.walk(entry)) {
          for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
            add(
                entry.relativize(p).toString().replace('\\', '/'),
                Files.readAllBytes(p),
                files,
                merged);
          }
        }
      } else if (Files.isRegularFile(entry) && entry.toString().endsWith(".jar")) {
        try (JarFile jar = new JarFile(entry.toFile())) {
          Enumeration<JarEntry> en = jar.entries();
          while (en.hasMoreElements()) {
            JarEntry je = en.nextElement();
            if (!je.isDirectory()) {
              try (InputStream in = jar.getInputStream(je)) {
                add(je.getName(), in.readAllBytes(), files, merged);
              }
            }
          }
        }
      }
    }
    Manifest mf = new Manifest();
    Attributes a = mf.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.put(Attributes.Name.MAIN_CLASS, "io.vipd.daemon.Main");
    a.put(Attributes.Name.MULTI_RELEASE, "true");
    a.put(Attributes.Name.IMPLEMENTATION_VERSION, version());
    try (OutputStream os = Files.newOutputStream(target);
        JarOutputStream out = new JarOutputStream(os, mf)) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        out.putNextEntry(new JarEntry(f.getKey()));
        out.write(f.getValue());
        out.closeEntry();
      }
      for (Map.Entry<String, ByteArrayOutputStream> f : merged.entrySet()) {
        out.putNextEntry(new JarEntry(f.getKey()));
        out.write(f.getValue().toByteArray());
        out.closeEntry();
      }
    }
    return target;
  }

  private static void add(
      String name,
      byte[] bytes,
      Map<String, byte[]> files,
      Map<String, ByteArrayOutputStream> merged)
      throws IOException {
    String upper = name.toUpperCase(java.util.Locale.ROOT);
    if (upper.equals("META-INF/MANIFEST.MF")
        || name.endsWith("module-info.class")
        || (upper.startsWith("META-INF/")
            && (upper.endsWith(".SF") || upper.endsWith(".DSA") || upper.endsWith(".RSA")))) {
      return;
    }
    if (name.startsWith("META-INF/services/") || name.equals("reference.conf")) {
      ByteArrayOutputStream b = merged.computeIfAbsent(name, k -> new ByteArrayOutputStream());
      b.write(bytes);
      b.write('\n');
      return;
    }
    files.putIfAbsent(name, bytes);
  }
}
