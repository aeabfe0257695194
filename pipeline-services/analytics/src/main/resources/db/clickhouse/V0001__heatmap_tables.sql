-- The heatmap rollups: one row per (client, screen, event type, window, cell), count = events in it.
-- One partition per window, so that a rerun replaces its window atomically:
--   INSERT INTO heatmap_<g>_staging … ; ALTER TABLE heatmap_<g> REPLACE PARTITION <window> FROM heatmap_<g>_staging
-- (readers see the old window or the new one, never half of one), and retention drops whole partitions.
-- Sort key: one screen over a time range is the query; cells last so a window's cells are contiguous.
-- Partition values are numbers (ClickHouse 18.16 accepts only numeric partition literals):
--   hourly YYYYMMDDHH, daily YYYYMMDD, weekly YYYYMMDD of the ISO week's Monday.
-- DateTime('UTC') everywhere: the same instants on 18.16 (server timezone UTC) and on current releases.

CREATE TABLE IF NOT EXISTS heatmap_hourly (
    client_id String,
    screen_id String,
    event_type String,
    window_start DateTime('UTC'),
    cell_x UInt16,
    cell_y UInt16,
    count UInt64
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(window_start) * 100 + toHour(window_start)
ORDER BY (client_id, screen_id, event_type, window_start, cell_y, cell_x);

CREATE TABLE IF NOT EXISTS heatmap_hourly_staging AS heatmap_hourly;

-- daily and weekly: the hourly columns, one partition per day / per ISO week (its Monday)
CREATE TABLE IF NOT EXISTS heatmap_daily AS heatmap_hourly ENGINE = MergeTree
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (client_id, screen_id, event_type, window_start, cell_y, cell_x);

CREATE TABLE IF NOT EXISTS heatmap_daily_staging AS heatmap_daily;

CREATE TABLE IF NOT EXISTS heatmap_weekly AS heatmap_hourly ENGINE = MergeTree
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (client_id, screen_id, event_type, window_start, cell_y, cell_x);

CREATE TABLE IF NOT EXISTS heatmap_weekly_staging AS heatmap_weekly;

-- Every rollup run, one row per state change (the latest row of a run_id wins: ReplacingMergeTree on
-- updated_at; read with argMax or FINAL). finished_at = 1970-01-01 while the run is not finished.
CREATE TABLE IF NOT EXISTS rollup_runs (
    run_id String,
    job String,
    window_start DateTime('UTC'),
    state String,
    rows_in UInt64,
    rows_out UInt64,
    started_at DateTime('UTC'),
    finished_at DateTime('UTC'),
    spark_app_id String,
    error String,
    updated_at UInt64
) ENGINE = ReplacingMergeTree(updated_at)
PARTITION BY toYYYYMM(started_at)
ORDER BY (job, window_start, run_id);
