package io.heatlab.assets;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A screen heatmaps are painted over: its screenshot ({@code image}, {@code width}×{@code height}
 * pixels) and the hot spots a real audience looks at and clicks, in normalised coordinates. Read
 * from {@code assets/<id>.json}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Screen(
    String id, String title, int width, int height, String image, List<Hotspot> hotspots) {

  /**
   * Where attention goes: a Gaussian around ({@code x}, {@code y}) with spreads {@code sx}, {@code
   * sy}, relative {@code weight}; {@code clickable} marks where clicks land.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Hotspot(
      String label, double x, double y, double sx, double sy, double weight, boolean clickable) {}
}
