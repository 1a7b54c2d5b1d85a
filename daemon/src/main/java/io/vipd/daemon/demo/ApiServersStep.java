package io.vipd.daemon.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Makes a throwaway self-signed TLS key with the JDK's {@code keytool} and starts a stand-in
 * kube-apiserver ({@link DemoApiServer}, HTTPS on :{@value DemoContext#APISERVER_PORT}) in every
 * node's namespace: the servers behind each node's proxy. Without {@code keytool} (a trimmed Java
 * runtime) the demo goes on without the proxy part.
 */
final class ApiServersStep implements DemoStep {

  /** JVM start on a busy two-core machine can be slow; this bounds a broken start. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  @Override
  public void run(DemoContext ctx) throws DemoFailure {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    if (!Files.isExecutable(keytool)) {
      ctx.say().step("no " + keytool + " in this Java runtime: skipping the proxy part");
      return;
    }
    ctx.say()
        .step(
            "starting a stand-in kube-apiserver (HTTPS, self-signed) on :"
                + DemoContext.APISERVER_PORT
                + " in every node; each vipd proxies :"
                + DemoContext.PROXY_PORT
                + " to all three, round-robin, checking GET /readyz");
    Path keystore = ctx.dir().resolve("apiserver.p12");
    Path passwordFile = ctx.dir().resolve("apiserver.pass");
    writePassword(passwordFile);
    StringBuilder san = new StringBuilder("SAN=ip:" + DemoContext.VIP);
    for (int i = 1; i <= ctx.lan().nodes(); i++) {
      san.append(",ip:").append(DemoLan.address(i));
    }
    Commands.Result r =
        Commands.run(
            Duration.ofSeconds(60),
            List.of(
                keytool.toString(),
                "-genkeypair",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-alias",
                "apiserver",
                "-dname",
                "CN=vipd-demo-apiserver",
                "-ext",
                san.toString(),
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass:file",
                passwordFile.toString()));
    if (r.exitCode() != 0) {
      throw new DemoFailure("keytool failed: " + (r.stderr() + r.stdout()).trim());
    }
    long start = System.nanoTime();
    for (int i = 1; i <= ctx.lan().nodes(); i++) {
      ctx.startApiServer(i, keystore, passwordFile);
    }
    for (int i = 1; i <= ctx.lan().nodes(); i++) {
      ctx.apiServer(i).awaitLog(DemoApiServer.LISTENING, START_TIMEOUT);
    }
    ctx.say()
        .detail(
            "key made with keytool ("
                + keystore.getFileName()
                + "); apiservers n1..n"
                + ctx.lan().nodes()
                + " listening after "
                + DemoContext.millisSince(start)
                + " ms");
  }

  /** A random password for the throwaway keystore, readable by root only. */
  private static void writePassword(Path file) throws DemoFailure {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, HexFormat.of().formatHex(b) + "\n");
    } catch (IOException e) {
      throw new DemoFailure("cannot write " + file + ": " + e.getMessage());
    }
  }
}
