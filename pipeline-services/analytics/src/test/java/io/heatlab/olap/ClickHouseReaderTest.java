package io.heatlab.olap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClickHouseReaderTest {

  @Test
  void quoteEscapesEveryCharacterAStringLiteralGivesMeaningTo() {
    assertThat(ClickHouseReader.quote("pricing")).isEqualTo("'pricing'");
    assertThat(ClickHouseReader.quote("a'b")).isEqualTo("'a\\'b'");
    assertThat(ClickHouseReader.quote("a\\")).isEqualTo("'a\\\\'");
    // an attempt to close the literal early stays inside it
    assertThat(ClickHouseReader.quote("x' OR 1=1 --")).isEqualTo("'x\\' OR 1=1 --'");
    assertThat(ClickHouseReader.quote("\\' OR 1=1")).isEqualTo("'\\\\\\' OR 1=1'");
    assertThat(ClickHouseReader.quote("a\tb\nc\0")).isEqualTo("'a\\tb\\nc\\0'");
  }

  @Test
  void tabSeparatedFieldsAreSplitAndUnescaped() {
    assertThat(ClickHouseReader.fields("12\t34\t5678")).containsExactly("12", "34", "5678");
    assertThat(ClickHouseReader.fields("desktop\t0")).containsExactly("desktop", "0");
    assertThat(ClickHouseReader.fields("a\\tb\tc\\\\d\te\\'f\t"))
        .containsExactly("a\tb", "c\\d", "e'f", "");
    assertThat(ClickHouseReader.fields("")).containsExactly("");
  }
}
