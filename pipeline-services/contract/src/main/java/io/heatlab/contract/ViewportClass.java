package io.heatlab.contract;

import java.util.Locale;

/**
 * Layouts differ by width, so heatmaps never mix them: a batch's viewport width puts its events in
 * one class — desktop at least {@value #DESKTOP_MIN} CSS pixels wide, tablet from {@value
 * #TABLET_MIN}, mobile below — and a screen has one screenshot per class, taken at {@link
 * #captureWidth()}. {@code unknown}: the page sent no viewport. The one place these widths are
 * written (docs/architecture.md §2).
 */
public enum ViewportClass {
  DESKTOP(1440),
  TABLET(768),
  MOBILE(390),
  UNKNOWN(1440);

  /** The narrowest desktop viewport. */
  public static final int DESKTOP_MIN = 1024;

  /** The narrowest tablet viewport; narrower is mobile. */
  public static final int TABLET_MIN = 768;

  private final int captureWidth;

  ViewportClass(int captureWidth) {
    this.captureWidth = captureWidth;
  }

  /** The class of a viewport {@code width} pixels wide ({@code null}: {@link #UNKNOWN}). */
  public static ViewportClass ofWidth(Integer width) {
    if (width == null) {
      return UNKNOWN;
    }
    return width >= DESKTOP_MIN ? DESKTOP : width >= TABLET_MIN ? TABLET : MOBILE;
  }

  /**
   * The class whose screenshot a heatmap of this class is painted over: itself; for {@link
   * #UNKNOWN} (no layout of its own), {@link #DESKTOP}.
   */
  public ViewportClass shownOver() {
    return this == UNKNOWN ? DESKTOP : this;
  }

  /** The width a screenshot of this class is taken at. */
  public int captureWidth() {
    return captureWidth;
  }

  /**
   * {@code desktop}, {@code tablet}, {@code mobile}, {@code unknown}: as the API and CLI write it.
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The class named {@code id} (any case); else IllegalArgumentException naming the four. */
  public static ViewportClass of(String id) {
    for (ViewportClass c : values()) {
      if (c.id().equalsIgnoreCase(id.strip())) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "viewport: '" + id + "' is not a viewport class (desktop, tablet, mobile, unknown)");
  }
}
