package io.vipd.daemon.reload;

import io.vipd.daemon.config.ConfigLoader;
import io.vipd.daemon.config.ConfigProblem;
import io.vipd.daemon.config.ExecPrograms;
import io.vipd.daemon.config.LoadResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reload: reads and validates the configuration file (the one vipd started with), and applies
 * it only if it is valid. A file with any error is logged problem by problem ({@code reload
 * rejected: file:line: key: message}) and changes nothing. Warnings of a valid file are logged too.
 *
 * <p>Thread-safety: {@link #reload()} is synchronized, so a SIGHUP and an admin request never
 * interleave.
 */
public final class Reloader {

  private static final Logger LOG = LoggerFactory.getLogger("vipd.reload");

  private final Path file;
  private final ConfigApplier applier;
  private final List<ReloadObserver> observers = new CopyOnWriteArrayList<>();

  /**
   * @param file the configuration file to read at every reload
   * @param applier applies a valid configuration
   */
  public Reloader(Path file, ConfigApplier applier) {
    this.file = file;
    this.applier = applier;
  }

  /** Adds an observer told before and after every reload. */
  public void addObserver(ReloadObserver observer) {
    observers.add(observer);
  }

  /** Reads, validates and applies the file; never throws. */
  public synchronized ReloadResult reload() {
    observers.forEach(ReloadObserver::reloading);
    ReloadResult result = loadAndApply();
    if (result.ok()) {
      LOG.info(result.summary());
    } else if (!result.changes().isEmpty()) {
      LOG.error(result.summary());
    } else {
      for (String e : result.errors()) {
        LOG.error("reload rejected: {}", e);
      }
      LOG.error(
          "reload rejected: {} problem(s); the running configuration stays",
          result.errors().size());
    }
    observers.forEach(o -> o.reloaded(result));
    return result;
  }

  private ReloadResult loadAndApply() {
    LOG.info("reloading {}", file);
    LoadResult loaded = ConfigLoader.load(file);
    if (!loaded.isValid()) {
      return ReloadResult.rejected(loaded.errors().stream().map(ConfigProblem::format).toList());
    }
    for (ConfigProblem w : loaded.warnings()) {
      LOG.warn("{}", w.format());
    }
    // judged here, on the node: a program missing from this machine fails its check on every run
    List<ConfigProblem> programs =
        ExecPrograms.problems(file.toString(), loaded.config().orElseThrow());
    if (!programs.isEmpty()) {
      return ReloadResult.rejected(programs.stream().map(ConfigProblem::format).toList());
    }
    for (ConfigProblem w :
        ExecPrograms.notifyProblems(file.toString(), loaded.config().orElseThrow())) {
      LOG.warn("{}", w.format());
    }
    try {
      return ReloadResult.applied(applier.apply(loaded.config().orElseThrow()));
    } catch (PartialReloadException e) {
      LOG.debug("reload failure", e);
      return ReloadResult.partlyApplied(
          e.applied(), List.of("cannot apply " + file + ": " + e.getMessage()));
    } catch (IOException | RuntimeException e) {
      LOG.debug("reload failure", e);
      return ReloadResult.rejected(List.of("cannot apply " + file + ": " + e.getMessage()));
    }
  }
}
