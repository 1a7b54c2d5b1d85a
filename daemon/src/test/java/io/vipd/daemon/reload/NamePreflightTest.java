package io.vipd.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.DaemonConfig;
import io.vipd.daemon.config.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload's host names resolve before it changes anything. */
class NamePreflightTest {

  @TempDir Path dir;

  private DaemonConfig load(String text) throws IOException {
    Path f = dir.resolve("vipd-" + System.nanoTime() + ".conf");
    Files.writeString(f, text);
    LoadResult r = ConfigLoader.load(f);
    assertTrue(r.isValid(), r.errors().toString());
    return r.config().orElseThrow();
  }

  private static String config(String server, String checkUrl, boolean tracked) {
    return "admin.enabled = false\n"
        + "vrrp.instances = [ { name = VI_1, interface = eth0, virtual-router-id = 51,"
        + " priority = 100, virtual-ips = [\"10.0.0.100/24\"]"
        + (tracked ? ", track.checks = [ { name = api, weight = -20 } ]" : "")
        + " } ]\n"
        + "checks.api { type = http, url = \""
        + checkUrl
        + "\" }\n"
        + "proxy {\n"
        + "  frontends = [ { name = fe, bind = \"127.0.0.1:16443\", backend = be } ]\n"
        + "  backends.be.servers = [ { name = s1, address = \""
        + server
        + "\" } ]\n"
        + "}\n";
  }

  @Test
  void aServerOrTrackedCheckNameThatDoesNotResolveStopsTheReload() throws Exception {
    assertDoesNotThrow(
        () ->
            NamePreflight.resolve(load(config("localhost:6443", "http://localhost/readyz", true))));
    IOException server =
        assertThrows(
            IOException.class,
            () ->
                NamePreflight.resolve(
                    load(config("nope.invalid:6443", "http://localhost/readyz", true))));
    assertTrue(
        server.getMessage().contains("backend be server s1: nope.invalid"), server.getMessage());
    IOException check =
        assertThrows(
            IOException.class,
            () ->
                NamePreflight.resolve(
                    load(config("localhost:6443", "http://nope.invalid/readyz", true))));
    assertTrue(check.getMessage().contains("check api: nope.invalid"), check.getMessage());
    // a check nobody tracks is never built
    assertDoesNotThrow(
        () ->
            NamePreflight.resolve(
                load(config("localhost:6443", "http://nope.invalid/readyz", false))));
  }
}
