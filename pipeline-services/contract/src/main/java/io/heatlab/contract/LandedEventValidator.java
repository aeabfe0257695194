package io.heatlab.contract;

/**
 * Checks what is read back from Kafka (anyone may produce to the topic): the same rules as {@link
 * BatchParser} — {@link ContractRules} — for ids, coordinates, viewport and types, minus the time
 * window (late data is legitimate downstream). Split in what a batch holds once ({@link
 * #batchViolation}) and what each event holds ({@link #eventViolation}), so that a batch record is
 * checked without a row per event; {@link #violation(LandedEvent)} is both for one landed row. Each
 * returns the reason of the first violation, or null.
 */
public final class LandedEventValidator {
  private LandedEventValidator() {}

  public static String violation(LandedEvent e) {
    String reason =
        batchViolation(
            e.clientId(),
            e.screenId(),
            e.batchId(),
            e.sessionId(),
            e.viewportW(),
            e.viewportH(),
            e.receivedAt());
    return reason != null
        ? reason
        : eventViolation(e.eventType(), e.eventTime(), e.xNorm(), e.yNorm());
  }

  /** The fields a whole batch shares: ids, viewport, the time it was received. */
  public static String batchViolation(
      String clientId,
      String screenId,
      String batchId,
      String sessionId,
      Integer viewportW,
      Integer viewportH,
      long receivedAt) {
    if (!ContractRules.Id.CLIENT.valid(clientId)) {
      return ContractRules.Id.CLIENT.rule();
    }
    if (!ContractRules.Id.SCREEN.valid(screenId)) {
      return ContractRules.Id.SCREEN.rule();
    }
    if (!ContractRules.Id.BATCH.valid(batchId)) {
      return ContractRules.Id.BATCH.rule();
    }
    if (sessionId != null && !ContractRules.Id.SESSION.valid(sessionId)) {
      return ContractRules.Id.SESSION.rule();
    }
    if (receivedAt <= 0) {
      return TIMES;
    }
    if ((viewportW != null && !ContractRules.validViewportSide(viewportW))
        || (viewportH != null && !ContractRules.validViewportSide(viewportH))) {
      return "viewport_w and viewport_h must be 1 to " + ContractRules.VIEWPORT_MAX;
    }
    return null;
  }

  /** One event's own fields: its type's wire name, its time, its coordinates. */
  public static String eventViolation(String eventType, long eventTime, double x, double y) {
    if (EventType.fromWire(eventType).isEmpty()) {
      return TYPE;
    }
    if (!ContractRules.validCoordinate(x) || !ContractRules.validCoordinate(y)) {
      return "x_norm and y_norm must be within [0,1]";
    }
    if (eventTime <= 0) {
      return TIMES;
    }
    return null;
  }

  /** The reason for an event type outside the contract's names. */
  static final String TYPE = "event_type must be move or click";

  private static final String TIMES =
      "event_time and received_at must be positive epoch milliseconds";
}
