package io.heatlab.landing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * heatlab's S3 landing sink: writes the events topic to object storage as immutable,
 * event-time-partitioned objects (JSON lines or Parquet), exactly once. See {@link LandingSinkTask}
 * for how, and docs/landing.md for the layout, settings and guarantees.
 *
 * <p>Connect configuration: {@code connector.class=io.heatlab.landing.LandingSinkConnector}, {@code
 * topics=heatmap.events}, key/value converters {@code ByteArrayConverter}, plus {@link
 * LandingConfig}.
 */
public final class LandingSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    new LandingConfig(props); // fail fast on a bad configuration
    this.props = props;
  }

  @Override
  public Class<? extends Task> taskClass() {
    return LandingSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>();
    for (int i = 0; i < maxTasks; i++) {
      configs.add(props);
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return LandingConfig.DEFINITION;
  }

  @Override
  public String version() {
    return LandingSinkConnector.class.getPackage().getImplementationVersion() == null
        ? "dev"
        : LandingSinkConnector.class.getPackage().getImplementationVersion();
  }
}
