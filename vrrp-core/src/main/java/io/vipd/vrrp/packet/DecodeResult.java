package io.vipd.vrrp.packet;

import java.util.Objects;

/**
 * The outcome of {@link VrrpPacketCodec#decode}: an advertisement that passed every packet-level
 * check, or the reason it was discarded. Bad input from the LAN is a result to count, never an
 * exception. Java 17 has no pattern {@code switch}: test with {@code instanceof}.
 */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Rejected {

  /**
   * A packet-level valid advertisement. Instance-level checks (VRID configured, authentication, v2
   * interval, owner, peer) remain for the virtual router.
   *
   * @param adv the advertisement (interval in centiseconds for both versions)
   * @param form the checksum computation the packet matched
   */
  record Decoded(VrrpAdvertisement adv, ChecksumForm form) implements DecodeResult {
    public Decoded {
      Objects.requireNonNull(adv, "adv");
      Objects.requireNonNull(form, "form");
    }
  }

  /**
   * A discarded packet.
   *
   * @param reason one of the packet-level {@link RxDropReason}s
   */
  record Rejected(RxDropReason reason) implements DecodeResult {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
