package io.vipd.vrrp.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class VrrpAdvertisementTest {

  @Test
  void v2PadsAuthDataAndCarriesCentiseconds() throws Exception {
    VrrpAdvertisement adv =
        VrrpAdvertisement.v2(
            51,
            101,
            1,
            List.of(InetAddress.getByName("10.77.0.50")),
            VrrpAdvertisement.AUTH_PASS,
            "secret".getBytes(StandardCharsets.US_ASCII));
    assertEquals(100, adv.advertIntervalCentis());
    assertArrayEquals(
        new byte[] {'s', 'e', 'c', 'r', 'e', 't', 0, 0}, adv.authData(), "padded to 8 bytes");
  }

  @Test
  void toStringNeverShowsThePassword() throws Exception {
    VrrpAdvertisement adv =
        VrrpAdvertisement.v2(
            51,
            101,
            1,
            List.of(InetAddress.getByName("10.77.0.50")),
            VrrpAdvertisement.AUTH_PASS,
            "hunter2".getBytes(StandardCharsets.US_ASCII));
    assertFalse(adv.toString().contains("hunter2"));
  }
}
