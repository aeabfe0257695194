-- applied once: a second run would fail on the existing column
ALTER TABLE mig_cells ADD COLUMN count UInt64;
INSERT INTO mig_cells (screen_id, cell_x, count) VALUES ('pricing', 1, 7);
