package io.heatlab.landing;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * An {@link ObjectStore} in memory, for unit tests of the logic above storage (landing cycles, the
 * index, the rollup planning): keys in order, last-modified from a clock, and an outage switch —
 * while {@link #down} is set every call fails with an IOException, as a storage server that went
 * away does.
 */
public final class InMemoryObjectStore implements ObjectStore {
  private record Stored(
      byte[] bytes, String contentType, Map<String, String> metadata, Instant lastModified) {}

  private final NavigableMap<String, Stored> objects = new TreeMap<>();
  private final Clock clock;
  private volatile boolean down;
  private volatile CountDownLatch gate;
  private int puts;

  public InMemoryObjectStore(Clock clock) {
    this.clock = clock;
  }

  public InMemoryObjectStore() {
    this(Clock.systemUTC());
  }

  /** Takes storage down (every call fails) or brings it back. */
  public void down(boolean down) {
    this.down = down;
  }

  /** Holds every PUT (the caller blocks) until {@link #release}: a slow upload. */
  public void hold() {
    gate = new CountDownLatch(1);
  }

  public void release() {
    CountDownLatch g = gate;
    gate = null;
    if (g != null) {
      g.countDown();
    }
  }

  /** PUTs that succeeded so far (an overwrite counts). */
  public synchronized int puts() {
    return puts;
  }

  /** Every key, in order. */
  public synchronized List<String> keys() {
    return new ArrayList<>(objects.keySet());
  }

  private void check(String what, String key) throws IOException {
    if (down) {
      throw new IOException(what + " " + key + " failed: storage is down");
    }
  }

  @Override
  public String bucket() {
    return "in-memory";
  }

  @Override
  public void put(String key, byte[] bytes, String contentType, Map<String, String> metadata)
      throws IOException {
    CountDownLatch g = gate;
    if (g != null) {
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    synchronized (this) {
      check("PUT", key);
      objects.put(
          key, new Stored(bytes.clone(), contentType, Map.copyOf(metadata), clock.instant()));
      puts++;
    }
  }

  @Override
  public synchronized Optional<byte[]> get(String key) throws IOException {
    check("GET", key);
    Stored s = objects.get(key);
    return s == null ? Optional.empty() : Optional.of(s.bytes().clone());
  }

  @Override
  public synchronized void delete(String key) throws IOException {
    check("DELETE", key);
    objects.remove(key);
  }

  @Override
  public synchronized List<Entry> list(String prefix) throws IOException {
    check("LIST", prefix);
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, Stored> e : objects.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      entries.add(new Entry(e.getKey(), e.getValue().bytes().length, e.getValue().lastModified()));
    }
    return entries;
  }

  @Override
  public synchronized Map<String, String> metadata(String key) throws IOException {
    check("HEAD", key);
    Stored s = objects.get(key);
    if (s == null) {
      throw new IOException("HEAD " + key + " failed: no such object");
    }
    return s.metadata();
  }

  @Override
  public synchronized List<String> children(String prefix) throws IOException {
    check("LIST", prefix);
    TreeSet<String> dirs = new TreeSet<>();
    for (String key : objects.tailMap(prefix, true).keySet()) {
      if (!key.startsWith(prefix)) {
        break;
      }
      int slash = key.indexOf('/', prefix.length());
      if (slash >= 0) {
        dirs.add(key.substring(0, slash + 1));
      }
    }
    return new ArrayList<>(dirs);
  }
}
