package io.heatlab.config;

import static io.heatlab.config.HeatlabConfig.*;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The HTTP server's and ingestion's settings, declared into {@link HeatlabConfig#DEFINITION}. */
final class IngestDefinitions {
  private IngestDefinitions() {}

  static void define(ConfigDef d) {
    d.define(
            HTTP_HOST,
            Type.STRING,
            "127.0.0.1",
            Importance.MEDIUM,
            "Address the embedded Jetty binds to.")
        .define(
            HTTP_PORT,
            Type.INT,
            18080,
            Range.between(0, 65535),
            Importance.MEDIUM,
            "Port of the embedded Jetty (ingestion endpoint, simulator, viewer, /healthz).")
        .define(
            INGEST_WRITE_KEYS,
            Type.PASSWORD,
            "",
            Importance.HIGH,
            "Write keys per client, 'client_id=key,client_id2=key2' (repeat a client to give it several, e.g."
                + " to rotate one). Public by design: every page with heatlab.js carries its client's write key; a"
                + " write key only posts batches, it never reads.")
        .define(
            API_READ_KEYS,
            Type.PASSWORD,
            "",
            Importance.HIGH,
            "Read keys per client, 'client_id=key,client_id2=key2' (repeat a client to rotate): GET /v1/heatmap"
                + " and the viewer take one in 'Authorization: Bearer'; a write key is refused there. Secret."
                + " ./heatlab keys new --client C --kind read prints a fresh one.")
        .define(
            INGEST_MAX_BODY_BYTES,
            Type.INT,
            1 << 20,
            Range.atLeast(1024),
            Importance.LOW,
            "Largest request body on the wire; larger is answered 413.")
        .define(
            INGEST_MAX_DECODED_BYTES,
            Type.INT,
            8 << 20,
            Range.atLeast(1024),
            Importance.LOW,
            "Largest body after gzip decoding; decoding stops there and the request is answered 413.")
        .define(
            INGEST_BODY_MIN_RATE,
            Type.INT,
            16 * 1024,
            Range.atLeast(1),
            Importance.LOW,
            "Slowest a batch's body may arrive: it must be whole within ingest.body.grace.ms + its length at this"
                + " rate (a body without Content-Length: its largest allowed length), or it is answered 408 and"
                + " the connection closed. Bodies are read without holding a thread, so slow senders cost a"
                + " connection each, never a thread.")
        .define(
            INGEST_BODY_GRACE_MS,
            Type.LONG,
            2_000L,
            Range.atLeast(1),
            Importance.LOW,
            "The time a batch's body gets before its length counts at ingest.body.min.rate.bytes.per.second.")
        .define(
            HTTP_MAX_CONNECTIONS,
            Type.INT,
            10_000,
            Range.atLeast(16),
            Importance.LOW,
            "Most connections Jetty keeps open at once; past it, it stops accepting until one closes.")
        .define(
            HTTP_IDLE_TIMEOUT_MS,
            Type.LONG,
            30_000L,
            Range.atLeast(100),
            Importance.LOW,
            "A connection with nothing to read or write for this long is closed (slow headers included).")
        .define(
            INGEST_MAX_EVENTS,
            Type.INT,
            1000,
            Range.between(1, 1000),
            Importance.LOW,
            "Most events in one batch (1000 at most: the batch record's limit, contract v2).")
        .define(
            INGEST_MAX_EVENT_AGE_MS,
            Type.LONG,
            7L * 24 * 3600 * 1000,
            Range.atLeast(0),
            Importance.LOW,
            "Oldest event time accepted, relative to the server's clock.")
        .define(
            INGEST_MAX_EVENT_FUTURE_MS,
            Type.LONG,
            5L * 60 * 1000,
            Range.atLeast(0),
            Importance.LOW,
            "How far ahead of the server's clock an event time may be (client clock skew).")
        .define(
            INGEST_MAX_INFLIGHT_EVENTS,
            Type.INT,
            200_000,
            Range.atLeast(1000),
            Importance.MEDIUM,
            "Events accepted for producing but not yet acked by Kafka; beyond it requests get 503 + Retry-After.")
        .define(
            INGEST_SHED_AFTER_MS,
            Type.LONG,
            2_000L,
            Range.atLeast(100),
            Importance.MEDIUM,
            "When the oldest unacked batch is older than this, Kafka is slow or down: new requests get 503 + Retry-After.")
        .define(
            INGEST_DELIVERY_TIMEOUT_MS,
            Type.INT,
            10_000,
            Range.atLeast(2_000),
            Importance.LOW,
            "How long the producer keeps trying to deliver a batch before it is answered 503 (delivery.timeout.ms).")
        .define(
            INGEST_INSTANCE_ID,
            Type.STRING,
            "",
            Importance.LOW,
            "This ingestion instance's identity, the stem of its producers' transactional ids: an instance"
                + " restarted with the same identity fences its predecessor's producers and aborts what they"
                + " left open at once; a new identity's predecessor's open transactions are aborted by Kafka"
                + " after the transaction timeout (30 s), holding landing back until then. Empty = this"
                + " host's name and the HTTP port (each container has its own host name).")
        .define(
            INGEST_PRODUCER_LANES,
            Type.INT,
            2,
            Range.between(1, 32),
            Importance.LOW,
            "Transactional producers writing batches (each batch one Kafka transaction, group-committed per lane). "
                + "On 2 cores 2 lanes measured best; more help when a commit's latency, not CPU, limits.")
        .define(
            INGEST_RATE_LIMIT,
            Type.INT,
            0,
            Range.atLeast(0),
            Importance.MEDIUM,
            "Events per second per client_id (token bucket, bursts of one second); above it 429 + Retry-After; 0 = no limit.")
        .define(
            INGEST_CORS_ORIGINS,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Page origins allowed to post batches for every client, comma-separated (the HTTP server's own origin"
                + " always is); per client: ingest.origins.")
        .define(
            INGEST_ORIGINS,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Page origins allowed to post batches per client, 'client_id=origin,…' (repeat a client for several);"
                + " '*' stands for one host label or any port: 'acme=https://*.acme.com,demo=http://127.0.0.1:*'."
                + " A browser request from another origin is refused (403); requests without an Origin header"
                + " (servers, the traffic generator) are judged by their key alone.")
        .define(
            INGEST_SCREEN_PATTERNS,
            Type.STRING,
            "",
            Importance.LOW,
            "How heatlab.js names a page's screen per client, 'client_id:/path/pattern=screen_id,…' in order, the"
                + " first match wins ('*' = one path segment, '**' = the rest): 'acme:/product/*=product'. Pages"
                + " no pattern matches get the default mapping of docs/sdk.md.")
        .define(
            INGEST_DEDUP_TTL_MS,
            Type.LONG,
            600_000L,
            Range.atLeast(1_000),
            Importance.LOW,
            "How long a (client_id, batch_id) is remembered to answer a resent batch as a duplicate.")
        .define(
            INGEST_REDIS_URL,
            Type.PASSWORD,
            "",
            Importance.MEDIUM,
            "redis://[user:password@]host:port of the batch de-duplication store; empty = in this process only.");
  }
}
