package io.heatlab.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ViewportClassTest {
  @Test
  void widthsMapToClassesAtTheDocumentedBounds() {
    assertThat(ViewportClass.ofWidth(1024)).isEqualTo(ViewportClass.DESKTOP);
    assertThat(ViewportClass.ofWidth(1023)).isEqualTo(ViewportClass.TABLET);
    assertThat(ViewportClass.ofWidth(768)).isEqualTo(ViewportClass.TABLET);
    assertThat(ViewportClass.ofWidth(767)).isEqualTo(ViewportClass.MOBILE);
    assertThat(ViewportClass.ofWidth(null)).isEqualTo(ViewportClass.UNKNOWN);
    assertThat(ViewportClass.DESKTOP.captureWidth())
        .isGreaterThanOrEqualTo(ViewportClass.DESKTOP_MIN);
    assertThat(ViewportClass.TABLET.captureWidth())
        .isBetween(ViewportClass.TABLET_MIN, ViewportClass.DESKTOP_MIN - 1);
    assertThat(ViewportClass.MOBILE.captureWidth()).isLessThan(ViewportClass.TABLET_MIN);
  }

  @Test
  void classesAreNamedInLowerCase() {
    assertThat(ViewportClass.of("Desktop")).isEqualTo(ViewportClass.DESKTOP);
    assertThat(ViewportClass.MOBILE.id()).isEqualTo("mobile");
    assertThatThrownBy(() -> ViewportClass.of("phone"))
        .hasMessageContaining("desktop, tablet, mobile");
  }
}
