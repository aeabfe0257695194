package io.heatlab.rollup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One writer of the published windows at a time per data directory: a rollup run (from the CLI, the
 * console or {@code ./heatlab up}'s scheduler) or the start-up self-check. Runs of a window share
 * its staging partition, and a check must not judge a window in the middle of its publish. A fair
 * lock in this process, then a file lock ({@code run/rollup.lock}) across processes — a JVM cannot
 * hold one file lock twice, hence both.
 */
final class PublishLock implements AutoCloseable {
  private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;

  private PublishLock(ReentrantLock local, FileChannel channel) {
    this.local = local;
    this.channel = channel;
  }

  /** Blocks until this caller holds the lock of {@code file}. */
  static PublishLock acquire(Path file) throws IOException, InterruptedException {
    ReentrantLock local =
        IN_PROCESS.computeIfAbsent(file.toAbsolutePath(), p -> new ReentrantLock(true));
    local.lockInterruptibly();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        channel.lock();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      return new PublishLock(local, channel);
    } catch (IOException | RuntimeException e) {
      local.unlock();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close(); // releases the file lock
    } finally {
      local.unlock();
    }
  }
}
