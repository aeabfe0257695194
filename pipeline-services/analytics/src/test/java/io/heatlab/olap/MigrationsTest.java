package io.heatlab.olap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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

  /**
   * ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: a migration interrupted after its ALTER and
   * run again finds the column there — taken as added; any other failure still stops it.
   */
  @Test
  void anAddColumnWhoseColumnExistsIsARerunAndAnythingElseFails() throws Exception {
    List<String> executed = new ArrayList<>();
    Statement exists =
        statement(
            sql -> {
              executed.add(sql);
              throw new SQLException(
                  "Code: 44, e.displayText() = DB::Exception: Cannot add column spark_master: column"
                      + " with this name already exists");
            });
    Migrations.execute(exists, "ALTER TABLE rollup_runs ADD COLUMN spark_master String DEFAULT ''");
    assertThat(executed).hasSize(1);
    assertThatThrownBy(() -> Migrations.execute(exists, "CREATE TABLE t (x String)"))
        .isInstanceOf(SQLException.class);
    Statement refused =
        statement(
            sql -> {
              throw new SQLException("Code: 62, Syntax error");
            });
    assertThatThrownBy(
            () -> Migrations.execute(refused, "ALTER TABLE rollup_runs ADD COLUMN x String"))
        .hasMessageContaining("Syntax error");
  }

  private interface Execute {
    void run(String sql) throws SQLException;
  }

  /** A JDBC statement whose execute(String) runs {@code execute}. */
  private static Statement statement(Execute execute) {
    return (Statement)
        Proxy.newProxyInstance(
            MigrationsTest.class.getClassLoader(),
            new Class<?>[] {Statement.class},
            (proxy, method, args) -> {
              if (method.getName().equals("execute") && args.length == 1) {
                execute.run((String) args[0]);
                return false;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
