package io.heatlab.contract;

/**
 * One reason a batch breaks the contract: where ({@code events[17].x}) and why ({@code must be
 * within [0,1]}).
 */
public record Violation(String path, String reason) {}
