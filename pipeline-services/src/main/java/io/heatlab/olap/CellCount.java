package io.heatlab.olap;

/** One rollup row of a window: events of one (client, screen, type) in one grid cell. */
public record CellCount(String clientId, String screenId, String eventType, int cellX, int cellY, long count) {}
