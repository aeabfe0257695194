package io.heatlab.olap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationsTest {

  @Test
  void splitsStatementsAtSemicolonsThatEndALine() {
    List<String> statements =
        Migrations.statements(
            """
        -- a comment line
        CREATE TABLE a (x String DEFAULT 'a;b')
          ENGINE = MergeTree ORDER BY x;
        ALTER TABLE a ADD COLUMN y UInt8;
        """);
    assertThat(statements)
        .containsExactly(
            "CREATE TABLE a (x String DEFAULT 'a;b')\n  ENGINE = MergeTree ORDER BY x",
            "ALTER TABLE a ADD COLUMN y UInt8");
  }

  @Test
  void listsTheTestMigrationsInOrderWithChecksums() throws Exception {
    List<Migrations.Migration> listed = new Migrations(null, "db/test-migrations").listed();
    assertThat(listed).extracting(Migrations.Migration::version).containsExactly(1, 2);
    assertThat(listed).allSatisfy(m -> assertThat(m.checksum()).hasSize(64));
  }
}
