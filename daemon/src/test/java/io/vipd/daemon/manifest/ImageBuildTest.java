package io.vipd.daemon.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.systemd.Tools;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/image/build.sh} end to end: builds the OCI layout from a jar equivalent to the
 * shaded one, checks every digest and size, unpacks the layer and runs the image's own entrypoint
 * with {@code version} under {@code chroot} (with /proc mounted in a private mount namespace, as a
 * container runtime would).
 */
@Tag("image")
@Timeout(300)
class ImageBuildTest {

  @TempDir Path dir;

  @Test
  void buildsARunnableOciImage() throws Exception {
    Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
    boolean root = "0".equals(Tools.run(List.of("id", "-u"), Map.of(), 10).output().trim());
    if (!Files.isExecutable(jlink) || !root) {
      String why = !root ? "chroot needs root" : "no jlink in " + System.getProperty("java.home");
      Tools.missing(why);
    }
    Tools.require("unshare");
    Path jar = AppJar.write(dir.resolve("vipd.jar"));
    Path out = dir.resolve("oci");
    Tools.Result build =
        Tools.run(
            List.of(
                AppJar.repoDir().resolve("deploy/image/build.sh").toString(),
                "--jar",
                jar.toString(),
                "--out",
                out.toString()),
            Map.of("JAVA_HOME", System.getProperty("java.home")),
            240);
    assertEquals(0, build.status(), build.output());
    String version = AppJar.version();

    assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", Files.readString(out.resolve("oci-layout")));
    String index = Files.readString(out.resolve("index.json"));
    assertTrue(index.contains("\"org.opencontainers.image.ref.name\":\"" + version + "\""), index);
    // the architecture of the runtime copied in, where containerd matches it against the node's
    String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
    assertTrue(
        index.contains("\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}"), index);
    String manifest =
        blob(out, only(index, "\"digest\":\"sha256:([0-9a-f]{64})\",\"size\":(\\d+)"));
    List<String[]> refs = all(manifest, "\"digest\":\"sha256:([0-9a-f]{64})\",\"size\":(\\d+)");
    assertEquals(2, refs.size(), manifest);
    String config = blob(out, refs.get(0));
    Path layer = out.resolve("blobs/sha256/" + refs.get(1)[0]);
    blob(out, refs.get(1));

    // diff_id is the digest of the uncompressed layer.
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(layer))) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    assertTrue(
        config.contains("\"diff_ids\":[\"sha256:" + HexFormat.of().formatHex(sha.digest()) + "\"]"),
        config);
    Tools.Result untar =
        Tools.run(List.of("tar", "-xzf", layer.toString(), "-C", rootfs.toString()), Map.of(), 60);
    assertEquals(0, untar.status(), untar.output());

    List<String> entrypoint = new ArrayList<>();
    Matcher e = Pattern.compile("\"Entrypoint\":\\[([^]]*)]").matcher(config);
    assertTrue(e.find(), config);
    for (String w : e.group(1).split(",")) {
      entrypoint.add(w.substring(1, w.length() - 1));
    }
    List<String> expected = new ArrayList<>(List.of(ImageLayout.JAVA));
    expected.addAll(JvmFlags.DEFAULT);
    expected.addAll(List.of("-jar", ImageLayout.JAR));
    assertEquals(expected, entrypoint, "the static pod runs the same command");

    String cmd = "mount -t proc proc \"$1/proc\" && shift && exec chroot \"$@\"";
    List<String> run =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--fork",
                "sh",
                "-c",
                cmd,
                "sh",
                rootfs.toString(),
                rootfs.toString()));
    run.addAll(entrypoint);
    run.add("version");
    Tools.Result v = Tools.run(run, Map.of(), 60);
    assertEquals(new Tools.Result(0, "vipd " + version + "\n"), v);
  }

  /** Reads blob {digest, size}, checking both; returns its text. */
  private static String blob(Path out, String[] ref) throws Exception {
    Path p = out.resolve("blobs/sha256/" + ref[0]);
    byte[] bytes = Files.readAllBytes(p);
    assertEquals(Long.parseLong(ref[1]), bytes.length, "size of " + ref[0]);
    assertEquals(
        ref[0],
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
        "digest");
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String[] only(String text, String regex) {
    List<String[]> a = all(text, regex);
    assertEquals(1, a.size(), text);
    return a.get(0);
  }

  private static List<String[]> all(String text, String regex) {
    List<String[]> found = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      found.add(new String[] {m.group(1), m.group(2)});
    }
    return found;
  }
}
