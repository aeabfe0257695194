CREATE TABLE IF NOT EXISTS mig_cells (screen_id String, cell_x UInt16) ENGINE = MergeTree ORDER BY (screen_id, cell_x);
