package io.heatlab.contract;

/**
 * Checks a {@link LandedEvent} read back from Kafka (anyone may produce to the topic): the same
 * rules as {@link BatchValidator} — {@link ContractRules} — for ids, coordinates, viewport and
 * types, minus the time window (late data is legitimate downstream). Returns the reason of the
 * first violation, or null.
 */
public final class LandedEventValidator {
  private LandedEventValidator() {}

  public static String violation(LandedEvent e) {
    String id = firstBadId(e);
    if (id != null) {
      return id;
    }
    if (EventType.fromWire(e.eventType()).isEmpty()) {
      return "event_type must be move or click";
    }
    if (!ContractRules.validCoordinate(e.xNorm()) || !ContractRules.validCoordinate(e.yNorm())) {
      return "x_norm and y_norm must be within [0,1]";
    }
    if (e.eventTime() <= 0 || e.receivedAt() <= 0) {
      return "event_time and received_at must be positive epoch milliseconds";
    }
    if ((e.viewportW() != null && !ContractRules.validViewportSide(e.viewportW()))
        || (e.viewportH() != null && !ContractRules.validViewportSide(e.viewportH()))) {
      return "viewport_w and viewport_h must be 1 to " + ContractRules.VIEWPORT_MAX;
    }
    return null;
  }

  private static String firstBadId(LandedEvent e) {
    if (!ContractRules.Id.CLIENT.valid(e.clientId())) {
      return ContractRules.Id.CLIENT.rule();
    }
    if (!ContractRules.Id.SCREEN.valid(e.screenId())) {
      return ContractRules.Id.SCREEN.rule();
    }
    if (!ContractRules.Id.BATCH.valid(e.batchId())) {
      return ContractRules.Id.BATCH.rule();
    }
    if (e.sessionId() != null && !ContractRules.Id.SESSION.valid(e.sessionId())) {
      return ContractRules.Id.SESSION.rule();
    }
    return null;
  }
}
