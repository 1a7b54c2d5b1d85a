package io.vipd.daemon.importer;

import java.util.ArrayList;
import java.util.List;

/**
 * What the importer learned from one haproxy frontend, backend or listen section before writing it.
 * Not thread-safe.
 */
final class HaproxySectionDraft {

  /**
   * A server line that could be read.
   *
   * @param name server name
   * @param address {@code host:port}
   * @param options the server's options over its default-server
   * @param line where it was written
   */
  record Server(String name, String address, HaproxyServerOptions options, HaproxyLine line) {}

  final HaproxySection section;
  final HaproxySettings settings;
  final List<HaproxyAddress> binds = new ArrayList<>();
  final List<Server> servers = new ArrayList<>();
  final List<String> comments = new ArrayList<>();
  String defaultBackend;

  /** Client-side timeouts a frontend using this backend set (haproxy keeps them on frontends). */
  HaproxySettings.Setting<Long> clientTimeout;

  HaproxySettings.Setting<Long> clientFinTimeout;

  HaproxySectionDraft(HaproxySection section, HaproxySettings settings) {
    this.section = section;
    this.settings = settings;
  }

  String name() {
    return section.name();
  }

  boolean isFrontend() {
    return section.type().equals("frontend") || section.type().equals("listen");
  }

  boolean isBackend() {
    return section.type().equals("backend") || section.type().equals("listen");
  }
}
