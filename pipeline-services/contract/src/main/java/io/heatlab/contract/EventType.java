package io.heatlab.contract;

import java.util.Locale;
import java.util.Optional;

/**
 * Kinds of pointer event. More may be added; a name is never renamed (it is stored in every landed
 * row).
 */
public enum EventType {
  MOVE,
  CLICK;

  /** The contract's name: {@code move}, {@code click}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<EventType> fromWire(String name) {
    for (EventType t : values()) {
      if (t.wire().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
