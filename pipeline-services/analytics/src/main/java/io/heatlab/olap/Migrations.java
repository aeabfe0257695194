package io.heatlab.olap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned ClickHouse migrations, applied once each and recorded in {@code schema_migrations}.
 *
 * <p>Migrations are classpath resources {@code <location>/V<version>__<description>.sql}, listed in
 * order in {@code <location>/migrations.txt} (one file name per line). A file holds one or more
 * statements, each ending with {@code ;} at the end of a line; table names are unqualified (the
 * connection's database is heatlab's). The SQL must run on ClickHouse 18.16 and on current
 * releases.
 *
 * <p>Invariants: a recorded migration is never applied again; a recorded migration whose file
 * changed (checksum) stops start-up with an error — add a new migration instead of editing an
 * applied one. ClickHouse has no transactional DDL: write statements that can be re-run ({@code IF
 * NOT EXISTS}) so that a migration interrupted half-way can be completed by the next start.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final Pattern FILE = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");
  public static final String STANDARD_LOCATION = "db/clickhouse";

  private final ClickHouseJdbc jdbc;
  private final String location;

  public Migrations(ClickHouseJdbc jdbc, String location) {
    this.jdbc = jdbc;
    this.location = location;
  }

  public static Migrations standard(ClickHouseJdbc jdbc) {
    return new Migrations(jdbc, STANDARD_LOCATION);
  }

  /** One migration file. */
  public record Migration(int version, String name, String sql, String checksum) {}

  /** Applies every listed migration not yet recorded; returns the ones applied now. */
  public List<Migration> apply() throws SQLException, IOException {
    return apply(Integer.MAX_VALUE);
  }

  /**
   * Applies the listed migrations up to version {@code last} (included) not yet recorded, e.g. to
   * build a database as an older release left it; returns the ones applied now.
   */
  public List<Migration> apply(int last) throws SQLException, IOException {
    try (Connection server = jdbc.connectToServer();
        Statement st = server.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS `" + jdbc.database() + "`");
    }
    List<Migration> applied = new ArrayList<>();
    try (Connection c = jdbc.connect()) {
      try (Statement st = c.createStatement()) {
        st.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, checksum String,"
                + " applied_at DateTime) ENGINE = MergeTree ORDER BY version");
      }
      Map<Integer, String> recorded = recorded(c);
      for (Migration m : listed()) {
        if (m.version() > last) {
          break;
        }
        String checksum = recorded.get(m.version());
        if (checksum != null) {
          if (!checksum.equals(m.checksum())) {
            throw new IllegalStateException(
                "Migration V"
                    + m.version()
                    + " ("
                    + m.name()
                    + ") changed after it was"
                    + " applied: add a new migration instead of editing an applied one");
          }
          continue;
        }
        LOG.info("Applying ClickHouse migration V{} {}", m.version(), m.name());
        try (Statement st = c.createStatement()) {
          for (String statement : statements(m.sql())) {
            execute(st, statement);
          }
        }
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, now())")) {
          insert.setInt(1, m.version());
          insert.setString(2, m.name());
          insert.setString(3, m.checksum());
          insert.executeUpdate();
        }
        applied.add(m);
      }
    }
    return applied;
  }

  /**
   * Runs one statement. An {@code ADD COLUMN} whose column exists already is done: the re-run of a
   * migration interrupted after it (ClickHouse 18.16 has no {@code ADD COLUMN IF NOT EXISTS}).
   */
  static void execute(Statement st, String statement) throws SQLException {
    try {
      st.execute(statement);
    } catch (SQLException e) {
      boolean addColumn = statement.toUpperCase(Locale.ROOT).contains("ADD COLUMN");
      if (!addColumn
          || !String.valueOf(e.getMessage()).contains("column with this name already exists")) {
        throw e;
      }
      LOG.info("column exists already (a re-run): {}", statement);
    }
  }

  private static Map<Integer, String> recorded(Connection c) throws SQLException {
    Map<Integer, String> versions = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT version, checksum FROM schema_migrations ORDER BY version")) {
      while (rs.next()) {
        versions.put(rs.getInt(1), rs.getString(2));
      }
    }
    return versions;
  }

  /** The migrations listed in {@code migrations.txt}, in order. */
  public List<Migration> listed() throws IOException {
    List<Migration> list = new ArrayList<>();
    int previous = 0;
    for (String line : read(location + "/migrations.txt").split("\n")) {
      String file = line.strip();
      if (file.isEmpty() || file.startsWith("#")) {
        continue;
      }
      Matcher m = FILE.matcher(file);
      if (!m.matches()) {
        throw new IllegalStateException(
            location + "/migrations.txt lists '" + file + "', not V<n>__<name>.sql");
      }
      int version = Integer.parseInt(m.group(1));
      if (version <= previous) {
        throw new IllegalStateException(
            location + "/migrations.txt is not in increasing version order at " + file);
      }
      previous = version;
      String sql = read(location + "/" + file);
      list.add(new Migration(version, m.group(2), sql, sha256(sql)));
    }
    return list;
  }

  /**
   * Splits a file into statements at a {@code ;} that ends a line; drops {@code --} comment lines.
   */
  static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (line.strip().startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (line.stripTrailing().endsWith(";")) {
        String statement = current.toString().strip();
        out.add(statement.substring(0, statement.length() - 1).strip());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }

  private static String read(String resource) throws IOException {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("Missing classpath resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
