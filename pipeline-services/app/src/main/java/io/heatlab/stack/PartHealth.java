package io.heatlab.stack;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A part's health at one moment, as shown by {@code heatlab status --json}, {@code GET /healthz}
 * and the console.
 *
 * @param name kafka, connect, storage, clickhouse or http
 * @param state {@link State#HEALTHY} only when the part answers its own protocol correctly
 * @param address what a client uses (host:port for kafka, a URL otherwise)
 * @param detail a short human reason (why unhealthy, or what was checked)
 * @param pid the child process id in the embedded profile, else null
 * @param optional true for a part the stack can do without (the warm Spark driver: rollups then
 *     launch their own application); null otherwise
 * @param restarts how many times the supervisor restarted the part after it died (null: never)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PartHealth(
    String name,
    State state,
    String address,
    String detail,
    Long pid,
    Boolean optional,
    Integer restarts) {

  public PartHealth(String name, State state, String address, String detail, Long pid) {
    this(name, state, address, detail, pid, null, null);
  }

  public enum State {
    HEALTHY,
    UNHEALTHY,
    STOPPED;

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public boolean healthy() {
    return state == State.HEALTHY;
  }

  public static PartHealth healthy(String name, String address, String detail) {
    return new PartHealth(name, State.HEALTHY, address, detail, null);
  }

  public static PartHealth unhealthy(String name, String address, String detail) {
    return new PartHealth(name, State.UNHEALTHY, address, detail, null);
  }

  public PartHealth withPid(Long processId) {
    return new PartHealth(name, state, address, detail, processId, optional, restarts);
  }

  /** The same health, of a part the stack can do without. */
  public PartHealth asOptional() {
    return new PartHealth(name, state, address, detail, pid, Boolean.TRUE, restarts);
  }

  /**
   * The same health with the supervisor's restarts of the part ({@code count} > 0) and what it says
   * of them appended to the detail.
   */
  public PartHealth withRestarts(int count, String note) {
    if (count == 0 && note.isEmpty()) {
      return this;
    }
    return new PartHealth(
        name,
        state,
        address,
        note.isEmpty() ? detail : detail + "; " + note,
        pid,
        optional,
        count == 0 ? null : count);
  }

  public boolean isOptional() {
    return Boolean.TRUE.equals(optional);
  }

  /**
   * What a healthy stack needs of this part: healthy, or optional (a dead warm Spark driver makes
   * rollups slower, not the stack unusable).
   */
  public boolean fine() {
    return healthy() || isOptional();
  }
}
