#!/bin/sh
# minio-init: the bucket, one MinIO user and policy per role, and the bucket's lifecycle (retention) rules.
# Idempotent: every `docker compose up` runs it again. Reads MINIO_ROOT_USER/PASSWORD and the roles' secrets
# from its environment (compose/.env); prints names, never secrets.
set -eu
mc alias set heatlab http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" > /dev/null
mc mb --ignore-existing heatlab/heatlab-raw

# role user  policy file (compose/minio/policies)  secret variable
#   heatlab-landing  landing connector: writes events/ and _landing/
#   heatlab-spark    rollups: read events/ and manifests, write aggregates/ and _heatlab/ (driver scratch)
#   heatlab-app      the heatlab service: reads everything, publishes aggregates/ pointers, keeps screens/
role() {
  user="$1"; secret="$2"
  mc admin policy create heatlab "$user" "/etc/heatlab/minio/policies/$user.json" > /dev/null
  mc admin user add heatlab "$user" "$secret" > /dev/null
  if ! mc admin user info heatlab "$user" | grep -q "PolicyName: *$user"; then
    mc admin policy attach heatlab "$user" --user "$user" > /dev/null
  fi
  echo "minio-init: user $user with policy $user"
}
role heatlab-landing "$MINIO_LANDING_SECRET"
role heatlab-spark "$MINIO_SPARK_SECRET"
role heatlab-app "$MINIO_APP_SECRET"

# retention: raw events and landing manifests expire after RAW_RETENTION_DAYS, rollup aggregates (already
# published to ClickHouse) after AGGREGATES_RETENTION_DAYS; the rules are replaced as a whole on every run
cat > /tmp/lifecycle.json <<JSON
{"Rules": [
  {"ID": "raw-events", "Status": "Enabled", "Filter": {"Prefix": "events/"}, "Expiration": {"Days": $RAW_RETENTION_DAYS}},
  {"ID": "landing-manifests", "Status": "Enabled", "Filter": {"Prefix": "_landing/manifests/"}, "Expiration": {"Days": $RAW_RETENTION_DAYS}},
  {"ID": "aggregates", "Status": "Enabled", "Filter": {"Prefix": "aggregates/"}, "Expiration": {"Days": $AGGREGATES_RETENTION_DAYS}},
  {"ID": "driver-scratch", "Status": "Enabled", "Filter": {"Prefix": "_heatlab/"}, "Expiration": {"Days": 1}}
]}
JSON
mc ilm import heatlab/heatlab-raw < /tmp/lifecycle.json > /dev/null
echo "minio-init: lifecycle — events/ and manifests ${RAW_RETENTION_DAYS} d, aggregates/ ${AGGREGATES_RETENTION_DAYS} d"
