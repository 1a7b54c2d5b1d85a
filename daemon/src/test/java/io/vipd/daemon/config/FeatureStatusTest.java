package io.vipd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureStatusTest {

  @TempDir Path dir;

  @Test
  void onlyGarpTuningIsStillReportedWhenUsed() {
    assertTrue(FeatureStatus.isActive(FeatureStatus.Feature.VRRP));
    assertTrue(FeatureStatus.isActive(FeatureStatus.Feature.PROXY));
    assertTrue(FeatureStatus.isActive(FeatureStatus.Feature.TRACK));
    assertTrue(FeatureStatus.isActive(FeatureStatus.Feature.GARP_TUNING));
    assertTrue(FeatureStatus.isActive(FeatureStatus.Feature.ADMIN));
    LoadResult vrrpOnly =
        TestFiles.load(
            dir,
            "admin.enabled = false\n"
                + "vrrp.instances = [ { name = A, interface = eth0, virtual-router-id = 1,"
                + " virtual-ips = [10.0.0.1] } ]\n");
    assertEquals(List.of(), vrrpOnly.notYetActive());

    LoadResult more =
        TestFiles.load(
            dir,
            "checks.c { type = file, path = /run/x }\n"
                + "vrrp.instances = [ { name = A, interface = eth0, virtual-router-id = 1,"
                + " virtual-ips = [10.0.0.1], track.checks = [ { name = c } ],"
                + " garp.repeat = 3 } ]\n");
    assertEquals(List.of(), more.notYetActive());
  }
}
