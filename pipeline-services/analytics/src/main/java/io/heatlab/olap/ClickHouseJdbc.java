package io.heatlab.olap;

import com.clickhouse.jdbc.Driver;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens clickhouse-jdbc (0.11, HTTP) connections that work against both ClickHouse 18.16 (Debian's,
 * the embedded profile) and current releases (compose). The settings are the ones found to be
 * needed on 18.16 — see docs/FACTS.md: no ClickHouse block compression, JSONEachRow as the wire
 * format, 64-bit integers unquoted, Gson as the JSON parser, the database as a URL parameter. Bind
 * DateTime values as strings ('YYYY-MM-DD hh:mm:ss', UTC).
 */
public final class ClickHouseJdbc {
  private final String httpUrl;
  private final String database;
  private final String user;
  private final String password;

  public ClickHouseJdbc(HeatlabConfig config, StackEndpoints endpoints) {
    this(
        endpoints.clickhouseUrl(),
        config.getString(HeatlabConfig.CLICKHOUSE_DATABASE),
        config.getString(HeatlabConfig.CLICKHOUSE_USER),
        config.secret(HeatlabConfig.CLICKHOUSE_PASSWORD));
  }

  /**
   * Connections as the read role ({@code query.clickhouse.user} where set, else {@code
   * clickhouse.user}): heatmap reads, run history, coverage.
   */
  public static ClickHouseJdbc forQueries(HeatlabConfig config, StackEndpoints endpoints) {
    HeatlabConfig.Credentials reader =
        config.credentials(
            HeatlabConfig.QUERY_CLICKHOUSE_USER,
            HeatlabConfig.QUERY_CLICKHOUSE_PASSWORD,
            HeatlabConfig.CLICKHOUSE_USER,
            HeatlabConfig.CLICKHOUSE_PASSWORD);
    return new ClickHouseJdbc(
        endpoints.clickhouseUrl(),
        config.getString(HeatlabConfig.CLICKHOUSE_DATABASE),
        reader.user(),
        reader.secret());
  }

  public ClickHouseJdbc(String httpUrl, String database, String user, String password) {
    this.httpUrl = httpUrl;
    this.database = database;
    this.user = user;
    this.password = password;
  }

  public String database() {
    return database;
  }

  /** A connection whose default database is heatlab's. */
  public Connection connect() throws SQLException {
    return open(database);
  }

  /**
   * A new long-lived client for read queries on the hot path, to heatlab's database (close it when
   * done).
   */
  public ClickHouseReader reader() {
    return new ClickHouseReader(httpUrl, database, user, password);
  }

  /** A connection to the server's {@code default} database, e.g. to create heatlab's. */
  public Connection connectToServer() throws SQLException {
    return open("default");
  }

  private Connection open(String db) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("compress", "false");
    p.setProperty("format", "JSONEachRow");
    p.setProperty("clickhouse_setting_default_format", "JSONEachRow");
    p.setProperty("clickhouse_setting_output_format_json_quote_64bit_integers", "0");
    p.setProperty(
        "jdbc_json_parser_factory", "com.clickhouse.client.api.data_formats.GsonJsonParserFactory");
    // the driver names the database in an X-ClickHouse-Database header, which 18.16 ignores; the
    // ?database= URL parameter is understood by 18.16 and by current releases alike
    p.setProperty("clickhouse_setting_database", db);
    return new Driver().connect("jdbc:clickhouse:" + httpUrl + "/" + db, p);
  }
}
