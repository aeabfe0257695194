package io.heatlab.console.shell;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.Tooltip;
import javafx.util.StringConverter;

/**
 * The table columns and charts the views share: typed, right-aligned numbers, coloured status
 * cells.
 */
public final class Tables {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private Tables() {}

  public static <R> TableColumn<R, String> text(
      String title, Function<R, String> value, double width) {
    TableColumn<R, String> c = new TableColumn<>(title);
    c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
    c.setPrefWidth(width);
    return c;
  }

  /** A right-aligned number with thousands separators ({@code null} shown as "–"). */
  public static <R> TableColumn<R, Number> number(
      String title, Function<R, Number> value, double width) {
    TableColumn<R, Number> c = new TableColumn<>(title);
    c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
    c.setCellFactory(
        col ->
            new TableCell<>() {
              @Override
              protected void updateItem(Number n, boolean empty) {
                super.updateItem(n, empty);
                setText(
                    empty
                        ? null
                        : n == null
                            ? "–"
                            : n instanceof Double d
                                ? String.format("%,.1f", d)
                                : String.format("%,d", n.longValue()));
              }
            });
    c.setStyle("-fx-alignment: CENTER-RIGHT;");
    c.setPrefWidth(width);
    return c;
  }

  /**
   * A status cell: the text coloured by its class ({@code status-OK}, {@code status-WARN}, …) and a
   * tooltip with the reason.
   */
  public static <R> TableColumn<R, String> status(
      String title, Function<R, String> value, Function<R, String> reason, double width) {
    TableColumn<R, String> c = new TableColumn<>(title);
    c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
    c.setCellFactory(
        col ->
            new TableCell<>() {
              @Override
              protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                getStyleClass().removeIf(k -> k.startsWith("status-"));
                setText(empty ? null : s);
                R row = empty || getTableRow() == null ? null : getTableRow().getItem();
                setTooltip(row == null ? null : new Tooltip(reason.apply(row)));
                if (!empty && s != null) {
                  getStyleClass().add("status-" + s);
                }
              }
            });
    c.setPrefWidth(width);
    return c;
  }

  /**
   * A line chart over time (x = epoch seconds shown as UTC HH:mm:ss), without animation or symbols.
   */
  public static LineChart<Number, Number> timeChart(String title, String yLabel) {
    NumberAxis x = new NumberAxis();
    x.setForceZeroInRange(false);
    x.setAutoRanging(true);
    x.setTickLabelFormatter(
        new StringConverter<>() {
          @Override
          public String toString(Number n) {
            return CLOCK.format(Instant.ofEpochSecond(n.longValue()));
          }

          @Override
          public Number fromString(String s) {
            return 0;
          }
        });
    NumberAxis y = new NumberAxis();
    y.setLabel(yLabel);
    LineChart<Number, Number> chart = new LineChart<>(x, y);
    chart.setTitle(title);
    chart.setAnimated(false);
    chart.setCreateSymbols(false);
    chart.setMinHeight(180);
    return chart;
  }

  public static String clock(Instant t) {
    return CLOCK.format(t);
  }
}
