-- v2 (cluster profile): each run names the Spark master it ran on (local[*], or the spark:// master of a
-- standalone cluster), so a run on a cluster can be told from one on a single machine. Empty for the runs
-- before it. Re-runnable: an existing column is taken as added (io.heatlab.olap.Migrations).
ALTER TABLE rollup_runs ADD COLUMN spark_master String DEFAULT '';
