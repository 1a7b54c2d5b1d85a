package io.vipd.daemon.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What {@link HostCheck} needs to know about this machine: its interfaces with their subnets, and
 * the process's effective capabilities. {@link #local()} reads the real ones (JDK {@link
 * NetworkInterface}, {@code /proc/self/status}).
 */
public interface HostFacts {

  /** Capability bit numbers (linux/capability.h). */
  int CAP_NET_BIND_SERVICE = 10;

  int CAP_NET_ADMIN = 12;
  int CAP_NET_RAW = 13;

  /** One address configured on an interface, with its prefix length. */
  record Subnet(InetAddress address, int prefixLength) {}

  /** Names of the interfaces present. */
  List<String> interfaces();

  /** The addresses configured on {@code name}, empty if there is no such interface. */
  Optional<List<Subnet>> subnets(String name);

  /** The effective capability set ({@code CapEff}), empty when it cannot be read. */
  Optional<Long> effectiveCapabilities();

  /** This machine, as the JDK and procfs see it. */
  static HostFacts local() {
    return new HostFacts() {
      @Override
      public List<String> interfaces() {
        try {
          List<String> names = new ArrayList<>();
          for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            names.add(ni.getName());
          }
          return names;
        } catch (SocketException e) {
          return List.of();
        }
      }

      @Override
      public Optional<List<Subnet>> subnets(String name) {
        try {
          NetworkInterface ni = NetworkInterface.getByName(name);
          if (ni == null) {
            return Optional.empty();
          }
          List<Subnet> out = new ArrayList<>();
          for (InterfaceAddress a : ni.getInterfaceAddresses()) {
            out.add(new Subnet(a.getAddress(), a.getNetworkPrefixLength()));
          }
          return Optional.of(out);
        } catch (SocketException e) {
          return Optional.empty();
        }
      }

      @Override
      public Optional<Long> effectiveCapabilities() {
        try {
          for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
              return Optional.of(Long.parseUnsignedLong(line.substring(7).trim(), 16));
            }
          }
        } catch (IOException | NumberFormatException e) {
          return Optional.empty();
        }
        return Optional.empty();
      }
    };
  }
}
