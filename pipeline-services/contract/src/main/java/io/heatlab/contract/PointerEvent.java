package io.heatlab.contract;

/**
 * One pointer event of a batch, as sent by a page: {@code {"t": epochMillis, "x": 0..1, "y": 0..1,
 * "type": "move"}}. x and y are normalised to the screen's image (0 = left/top, 1 = right/bottom).
 */
public record PointerEvent(long t, double x, double y, EventType type) {}
