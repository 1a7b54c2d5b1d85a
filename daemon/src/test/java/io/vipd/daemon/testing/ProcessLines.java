package io.vipd.daemon.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The output lines of a started process, collected as they come by a thread of their own. */
public final class ProcessLines {
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ProcessLines(Process process) {
    this.process = process;
    this.reader = new Thread(this::collect, "process-lines-" + process.pid());
    reader.setDaemon(true);
  }

  /** Starts collecting what {@code process} writes (its merged stdout and stderr). */
  public static ProcessLines of(Process process) {
    ProcessLines l = new ProcessLines(process);
    l.reader.start();
    return l;
  }

  private void collect() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        lines.add(l);
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  /** The lines so far. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** How many lines so far contain {@code text}. */
  public long count(String text) {
    return lines.stream().filter(l -> l.contains(text)).count();
  }

  /** Waits up to a minute for a line containing {@code text}; fails if the process ends first. */
  public void await(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (count(text) == 0) {
      if (!process.isAlive() && count(text) == 0) {
        throw new AssertionError("the process ended with no '" + text + "':\n" + this);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + text + "' in a minute:\n" + this);
      }
      Thread.sleep(50);
    }
  }

  /** Waits for the reader to have taken everything (once the process ended). */
  public void join() throws InterruptedException {
    reader.join(5000);
  }

  @Override
  public String toString() {
    return String.join("\n", lines);
  }
}
