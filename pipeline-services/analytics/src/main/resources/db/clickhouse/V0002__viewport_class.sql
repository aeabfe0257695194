-- v2: layouts differ by width, so heatmaps never mix them. The viewport class (desktop, tablet, mobile,
-- unknown: io.heatlab.contract.ViewportClass, docs/architecture.md §2) joins the rollup key, after the
-- event type. ClickHouse 18.16 cannot change a sort key, so each table is rebuilt: a new table, the old
-- rows copied in as 'unknown' (an aggregate never knew its viewports; rerun a window's rollup —
-- ./heatlab rollup hourly --from … --to …, then daily and weekly — to count it as its landed viewports say),
-- then swapped in by RENAME. Re-runnable from any statement (ClickHouse has no transactional DDL): a
-- leftover of an interrupted run is dropped first; once the swap happened, a re-run copies the new
-- table into itself with every class 'unknown', which is what it holds before any rollup ran (start-up
-- stops on a failed migration, before any rollup).

DROP TABLE IF EXISTS heatmap_hourly_v1;
DROP TABLE IF EXISTS heatmap_hourly_next;
CREATE TABLE heatmap_hourly_next (
    client_id String,
    screen_id String,
    event_type String,
    viewport_class String,
    window_start DateTime('UTC'),
    cell_x UInt16,
    cell_y UInt16,
    count UInt64
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(window_start) * 100 + toHour(window_start)
ORDER BY (client_id, screen_id, event_type, viewport_class, window_start, cell_y, cell_x);
INSERT INTO heatmap_hourly_next (client_id, screen_id, event_type, viewport_class, window_start, cell_x, cell_y, count)
SELECT client_id, screen_id, event_type, 'unknown', window_start, cell_x, cell_y, count FROM heatmap_hourly;
RENAME TABLE heatmap_hourly TO heatmap_hourly_v1, heatmap_hourly_next TO heatmap_hourly;
DROP TABLE heatmap_hourly_v1;
DROP TABLE IF EXISTS heatmap_hourly_staging;
CREATE TABLE heatmap_hourly_staging AS heatmap_hourly;

DROP TABLE IF EXISTS heatmap_daily_v1;
DROP TABLE IF EXISTS heatmap_daily_next;
CREATE TABLE heatmap_daily_next (
    client_id String,
    screen_id String,
    event_type String,
    viewport_class String,
    window_start DateTime('UTC'),
    cell_x UInt16,
    cell_y UInt16,
    count UInt64
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (client_id, screen_id, event_type, viewport_class, window_start, cell_y, cell_x);
INSERT INTO heatmap_daily_next (client_id, screen_id, event_type, viewport_class, window_start, cell_x, cell_y, count)
SELECT client_id, screen_id, event_type, 'unknown', window_start, cell_x, cell_y, count FROM heatmap_daily;
RENAME TABLE heatmap_daily TO heatmap_daily_v1, heatmap_daily_next TO heatmap_daily;
DROP TABLE heatmap_daily_v1;
DROP TABLE IF EXISTS heatmap_daily_staging;
CREATE TABLE heatmap_daily_staging AS heatmap_daily;

DROP TABLE IF EXISTS heatmap_weekly_v1;
DROP TABLE IF EXISTS heatmap_weekly_next;
CREATE TABLE heatmap_weekly_next (
    client_id String,
    screen_id String,
    event_type String,
    viewport_class String,
    window_start DateTime('UTC'),
    cell_x UInt16,
    cell_y UInt16,
    count UInt64
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (client_id, screen_id, event_type, viewport_class, window_start, cell_y, cell_x);
INSERT INTO heatmap_weekly_next (client_id, screen_id, event_type, viewport_class, window_start, cell_x, cell_y, count)
SELECT client_id, screen_id, event_type, 'unknown', window_start, cell_x, cell_y, count FROM heatmap_weekly;
RENAME TABLE heatmap_weekly TO heatmap_weekly_v1, heatmap_weekly_next TO heatmap_weekly;
DROP TABLE heatmap_weekly_v1;
DROP TABLE IF EXISTS heatmap_weekly_staging;
CREATE TABLE heatmap_weekly_staging AS heatmap_weekly;
