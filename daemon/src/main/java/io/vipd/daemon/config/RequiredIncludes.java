package io.vipd.daemon.config;

import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseable;

/**
 * Makes a plain {@code include "file.conf"} required, as {@code include required(...)} is: HOCON
 * skips a missing file silently, so a mistyped name, or a file missing when SIGHUP came (config
 * management rewriting it), loaded as a valid configuration without its sections, and a reload then
 * stopped every instance or frontend they held. A name without an extension ({@code include
 * "common"}, which HOCON looks for as common.conf, .json and .properties) keeps HOCON's rule.
 */
final class RequiredIncludes implements ConfigIncluder {

  private final ConfigIncluder fallback;

  RequiredIncludes() {
    this(null);
  }

  private RequiredIncludes(ConfigIncluder fallback) {
    this.fallback = fallback;
  }

  @Override
  public ConfigIncluder withFallback(ConfigIncluder next) {
    return next == fallback ? this : new RequiredIncludes(next);
  }

  @Override
  public ConfigObject include(ConfigIncludeContext context, String what) {
    boolean named = what.lastIndexOf('.') > what.lastIndexOf('/');
    ConfigParseable p = named ? context.relativeTo(what) : null;
    if (p == null) {
      return fallback.include(context, what);
    }
    return p.parse(context.parseOptions().setAllowMissing(false));
  }
}
