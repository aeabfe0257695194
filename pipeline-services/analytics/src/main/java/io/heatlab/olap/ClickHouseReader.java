package io.heatlab.olap;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Read queries on the hot path (heatmaps, coverage), over one long-lived client: ClickHouse's Java
 * client (client-v2, the engine under clickhouse-jdbc) with its pool of keep-alive HTTP
 * connections, answers as TabSeparated text read straight from the response. A JDBC connection per
 * request cost a new HTTP client, a connection and a client-side SQL parse each time
 * (docs/heatmaps.md, "Speed").
 *
 * <p>ClickHouse 18.16 has no server-side query parameters: values are inlined as literals with
 * {@link #quote}, which escapes every character a string literal gives meaning to. Thread-safe. The
 * client is made at the first query (ClickHouse may not be up when the reader is); close the reader
 * before ClickHouse stops (18.16 waits for open keep-alive connections on shutdown; idle ones are
 * dropped after 30 s anyway) — a query after {@link #close} makes a new client.
 */
public final class ClickHouseReader implements AutoCloseable {
  /** One row of TabSeparated output, its fields unescaped. */
  @FunctionalInterface
  public interface Row {
    void accept(String[] fields) throws SQLException;
  }

  private static final long TIMEOUT_SECONDS = 60;
  private final String address;
  private final String database;
  private final String user;
  private final String password;
  private Client client;

  public ClickHouseReader(String httpUrl, String database, String user, String password) {
    this.address = httpUrl;
    this.database = database;
    this.user = user;
    this.password = password;
  }

  private synchronized Client client() {
    if (client == null) {
      client =
          new Client.Builder()
              .addEndpoint(address)
              .setUsername(user)
              .setPassword(password)
              .compressServerResponse(false) // ClickHouse's block compression is broken on 18.16
              .compressClientRequest(false)
              // the ?database= parameter: 18.16 ignores the X-ClickHouse-Database header
              .serverSetting("database", database)
              .setConnectTimeout(5, ChronoUnit.SECONDS)
              .setSocketTimeout(TIMEOUT_SECONDS, ChronoUnit.SECONDS)
              .setKeepAliveTimeout(30, ChronoUnit.SECONDS)
              .setMaxConnections(32)
              .setClientName("heatlab")
              .build();
    }
    return client;
  }

  /** An answer's body, read in the format asked for. */
  @FunctionalInterface
  public interface Body {
    void read(InputStream in) throws IOException, SQLException;
  }

  /** Runs {@code sql} and hands each row of its answer to {@code row}, in order. */
  public void query(String sql, Row row) throws SQLException {
    query(
        sql,
        ClickHouseFormat.TabSeparated,
        body -> {
          BufferedReader in =
              new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 16 * 1024);
          String line;
          while ((line = in.readLine()) != null) {
            row.accept(fields(line));
          }
        });
  }

  /**
   * Runs {@code sql} with its answer in {@code format} (e.g. RowBinary: no text to format or parse)
   * and hands the answer's stream to {@code body}. The format is named in the SQL: 18.16 ignores
   * the client's {@code default_format} and answers TabSeparated.
   */
  public void query(String sql, ClickHouseFormat format, Body body) throws SQLException {
    QuerySettings settings = new QuerySettings().setFormat(format);
    try (QueryResponse r =
        client()
            .query(sql + " FORMAT " + format.name(), settings)
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      body.read(r.getInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while querying ClickHouse at " + address, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new SQLException("ClickHouse at " + address + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new SQLException(
          "ClickHouse at " + address + " did not answer within " + TIMEOUT_SECONDS + " s", e);
    } catch (SQLException e) {
      throw e; // a row handler's
    } catch (Exception e) { // reading the answer, or closing it
      throw new SQLException("ClickHouse at " + address + ": " + e.getMessage(), e);
    }
  }

  /** {@code value} as a ClickHouse string literal, quotes included. */
  public static String quote(String value) {
    StringBuilder s = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> s.append("\\\\");
        case '\'' -> s.append("\\'");
        case '\0' -> s.append("\\0");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> s.append(c);
      }
    }
    return s.append('\'').toString();
  }

  /** The fields of one TabSeparated line, unescaped. */
  static String[] fields(String line) {
    int n = 1;
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '\t') {
        n++;
      }
    }
    String[] out = new String[n];
    int f = 0;
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\t') {
        out[f++] = cur.toString();
        cur.setLength(0);
      } else if (c == '\\' && i + 1 < line.length()) {
        char e = line.charAt(++i);
        cur.append(
            switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              case '0' -> '\0';
              case 'b' -> '\b';
              case 'f' -> '\f';
              default -> e; // \\ \' and any other escaped character stand for themselves
            });
      } else {
        cur.append(c);
      }
    }
    out[f] = cur.toString();
    return out;
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
