/*
 * loadgen: a small librdkafka load generator for Brook's benchmarks.
 *
 *   loadgen produce  -n N -s SIZE [-a ACKS] [-l LINGER_MS] [-B BATCH_BYTES] [-z CODEC] [-r RATE]
 *   loadgen consume  -n N
 *   loadgen latency  -r RATE -d SECONDS [-s SIZE] [-a ACKS]
 *
 * Common: -b HOST:PORT (127.0.0.1:9092), -t TOPIC (loadgen), -T overall time limit in s (600),
 *         -X key=value (extra librdkafka property, repeatable), -q (quiet), -h (help).
 * produce and latency write to partition 0; consume reads partition 0 from the beginning via
 * assign (group.id is set because librdkafka's assign needs one, but no group is joined and
 * nothing is committed).
 *
 * Each run prints a human-readable line and a machine-readable one starting with "RESULT".
 * MB means 10^6 bytes. Exit status: 0 ok, 1 client/broker error, 2 usage, 3 time limit hit.
 *
 * Build: cc -O2 -Wall -Wextra -o benchmarks/bin/loadgen benchmarks/loadgen.c \
 *            $(pkg-config --cflags --libs rdkafka) -lpthread
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#define MAX_EXTRA 32
#define LAT_MAGIC 0x42524f4f4b4c4154ULL /* "BROOKLAT" */
#define LAT_HEADER 17                   /* magic(8) + send ns(8) + warm-up flag(1) */

enum { EXIT_OK = 0, EXIT_KAFKA = 1, EXIT_USAGE = 2, EXIT_TIMEOUT = 3 };

struct options {
    const char *mode;
    const char *bootstrap;
    const char *topic;
    long count;
    long size;
    const char *acks;
    int linger_ms;
    long batch_bytes;
    const char *codec;
    long rate;
    int duration_s;
    int limit_s;
    int quiet;
    const char *extra[MAX_EXTRA];
    int n_extra;
};

static struct options opt = {
    .bootstrap = "127.0.0.1:9092",
    .topic = "loadgen",
    .count = 1000000,
    .size = 100,
    .acks = "1",
    .linger_ms = 5,
    .batch_bytes = 1000000,
    .codec = "none",
    .rate = 0, /* latency: 1000 when not given; produce: unpaced */
    .duration_s = 10,
    .limit_s = 600,
};

static volatile sig_atomic_t interrupted;
static uint64_t deadline_ns;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int past_deadline(void) { return interrupted || now_ns() > deadline_ns; }

static int remaining_ms(void) {
    uint64_t now = now_ns();
    return now >= deadline_ns ? 0 : (int)((deadline_ns - now) / 1000000ULL);
}

static void fail(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "loadgen: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(code);
}

static void on_signal(int sig) {
    (void)sig;
    interrupted = 1;
}

static void usage(FILE *out) {
    fprintf(out,
            "usage: loadgen produce|consume|latency [options]\n"
            "  -b HOST:PORT   bootstrap server (default 127.0.0.1:9092)\n"
            "  -t TOPIC       topic (default loadgen); partition 0 is used\n"
            "  -n N           messages to produce or consume (default 1000000)\n"
            "  -s BYTES       message size (default 100; latency needs >= %d)\n"
            "  -a ACKS        0, 1 or all (default 1)\n"
            "  -l MS          linger.ms for produce (default 5; latency always uses 0)\n"
            "  -B BYTES       batch.size for produce (default 1000000)\n"
            "  -z CODEC       compression: none, gzip, snappy, lz4, zstd (default none)\n"
            "  -r RATE        messages per second (latency: default 1000; produce: default unpaced)\n"
            "  -d SECONDS     latency: measured duration (default 10; plus 1 s warm-up)\n"
            "  -T SECONDS     overall time limit; exit 3 when hit (default 600)\n"
            "  -X KEY=VALUE   extra librdkafka property (repeatable)\n"
            "  -q             quiet: print only the RESULT line\n"
            "  -h             this help\n",
            LAT_HEADER);
}

static void set_conf(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char err[512];
    if (rd_kafka_conf_set(conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK)
        fail(EXIT_USAGE, "config %s=%s: %s", key, value, err);
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    (void)rk;
    if (!opt.quiet || level <= 3)
        fprintf(stderr, "rdkafka %d %s: %s\n", level, fac, buf);
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    (void)opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[512];
        rd_kafka_fatal_error(rk, buf, sizeof buf);
        fail(EXIT_KAFKA, "fatal error: %s", buf);
    }
    if (!opt.quiet)
        fprintf(stderr, "loadgen: client error: %s: %s\n", rd_kafka_err2name(err), reason);
}

static rd_kafka_conf_t *base_conf(void) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set_conf(conf, "bootstrap.servers", opt.bootstrap);
    set_conf(conf, "client.id", "brook-loadgen");
    set_conf(conf, "socket.timeout.ms", "10000");
    rd_kafka_conf_set_log_cb(conf, on_log);
    rd_kafka_conf_set_error_cb(conf, on_error);
    for (int i = 0; i < opt.n_extra; i++) {
        char key[256];
        const char *eq = strchr(opt.extra[i], '=');
        if (!eq || (size_t)(eq - opt.extra[i]) >= sizeof key)
            fail(EXIT_USAGE, "-X expects key=value, got '%s'", opt.extra[i]);
        memcpy(key, opt.extra[i], (size_t)(eq - opt.extra[i]));
        key[eq - opt.extra[i]] = '\0';
        set_conf(conf, key, eq + 1);
    }
    return conf;
}

static rd_kafka_t *new_client(rd_kafka_type_t type, rd_kafka_conf_t *conf) {
    char err[512];
    rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
    if (!rk)
        fail(EXIT_KAFKA, "rd_kafka_new: %s", err);
    return rk;
}

static void print_rate(const char *mode, long msgs, double bytes, uint64_t elapsed_ns) {
    double secs = (double)elapsed_ns / 1e9;
    double mps = secs > 0 ? (double)msgs / secs : 0;
    double mbps = secs > 0 ? bytes / secs / 1e6 : 0;
    if (!opt.quiet)
        printf("%s: %ld messages, %.1f MB in %.3f s: %.0f msg/s, %.2f MB/s\n", mode, msgs,
               bytes / 1e6, secs, mps, mbps);
    printf("RESULT mode=%s messages=%ld bytes=%.0f seconds=%.6f msgs_per_sec=%.0f mb_per_sec=%.3f\n",
           mode, msgs, bytes, secs, mps, mbps);
}

/* ---------------------------------------------------------------- produce */

struct produce_state {
    long delivered;
    long failed;
    rd_kafka_resp_err_t first_error;
    uint64_t last_delivery_ns;
};

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque) {
    (void)rk;
    struct produce_state *st = opaque;
    if (msg->err) {
        if (!st->failed)
            st->first_error = msg->err;
        st->failed++;
    } else {
        st->delivered++;
    }
    st->last_delivery_ns = now_ns();
}

/* Sleeps until message `index` of a fixed schedule starting at `start` is due. */
static void wait_for_slot(uint64_t start, long index, uint64_t interval) {
    uint64_t due = start + (uint64_t)index * interval;
    struct timespec ts = {(time_t)(due / 1000000000ULL), (long)(due % 1000000000ULL)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !interrupted)
        ;
}

static int produce_one(rd_kafka_t *rk, void *payload, size_t len, int copy) {
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(opt.topic), RD_KAFKA_V_PARTITION(0),
            RD_KAFKA_V_MSGFLAGS(copy ? RD_KAFKA_MSG_F_COPY : 0), RD_KAFKA_V_VALUE(payload, len),
            RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
            return 0;
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            fail(EXIT_KAFKA, "produce: %s", rd_kafka_err2str(err));
        if (past_deadline())
            return -1;
        rd_kafka_poll(rk, 1);
    }
}

static int run_produce(void) {
    struct produce_state st = {0};
    char buf[64];
    rd_kafka_conf_t *conf = base_conf();
    set_conf(conf, "acks", opt.acks);
    snprintf(buf, sizeof buf, "%d", opt.linger_ms);
    set_conf(conf, "linger.ms", buf);
    snprintf(buf, sizeof buf, "%ld", opt.batch_bytes);
    set_conf(conf, "batch.size", buf);
    set_conf(conf, "compression.codec", opt.codec);
    set_conf(conf, "queue.buffering.max.messages", "1000000");
    set_conf(conf, "queue.buffering.max.kbytes", "1048576");
    set_conf(conf, "message.timeout.ms", "60000");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &st);
    rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, conf);

    /* one shared payload; librdkafka only reads it (no copy, no free) */
    unsigned char *payload = malloc((size_t)opt.size > 0 ? (size_t)opt.size : 1);
    if (!payload)
        fail(EXIT_KAFKA, "out of memory");
    for (long i = 0; i < opt.size; i++)
        payload[i] = (unsigned char)('a' + (i * 7 + i / 13) % 26);

    uint64_t start = now_ns();
    /* -r paces the messages on a fixed schedule (a background load); without it, as fast as possible */
    uint64_t interval = opt.rate > 0 ? 1000000000ULL / (uint64_t)opt.rate : 0;
    long sent = 0;
    for (; sent < opt.count; sent++) {
        if (interval)
            wait_for_slot(start, sent, interval);
        if (produce_one(rk, payload, (size_t)opt.size, 0) != 0)
            break;
        if ((sent & 1023) == 0)
            rd_kafka_poll(rk, 0);
    }
    while (st.delivered + st.failed < sent && !past_deadline())
        rd_kafka_flush(rk, remaining_ms() < 100 ? remaining_ms() : 100);
    long delivered = st.delivered, failed = st.failed;
    rd_kafka_resp_err_t first_error = st.first_error;
    if (delivered + failed < opt.count)
        rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(rk, 1000);
    rd_kafka_destroy(rk);
    free(payload);

    if (failed)
        fail(EXIT_KAFKA, "%ld of %ld deliveries failed, first: %s", failed, opt.count,
             rd_kafka_err2str(first_error));
    if (delivered < opt.count)
        fail(EXIT_TIMEOUT, "time limit: %ld of %ld messages delivered", delivered, opt.count);
    print_rate("produce", st.delivered, (double)st.delivered * (double)opt.size,
               st.last_delivery_ns - start);
    return EXIT_OK;
}

/* ---------------------------------------------------------------- consume */

static rd_kafka_t *new_consumer(int64_t offset) {
    rd_kafka_conf_t *conf = base_conf();
    set_conf(conf, "group.id", "brook-loadgen-assign-only");
    set_conf(conf, "enable.auto.commit", "false");
    set_conf(conf, "enable.auto.offset.store", "false");
    set_conf(conf, "auto.offset.reset", "earliest");
    set_conf(conf, "fetch.wait.max.ms", "100");
    set_conf(conf, "queued.min.messages", "200000");
    rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, conf);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(parts, opt.topic, 0)->offset = offset;
    rd_kafka_resp_err_t err = rd_kafka_assign(rk, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    if (err)
        fail(EXIT_KAFKA, "assign: %s", rd_kafka_err2str(err));
    return rk;
}

/* 1 for a message to count, 0 for nothing/ignorable, exits on a real error */
static int check_message(rd_kafka_message_t *m) {
    if (!m)
        return 0;
    if (!m->err)
        return 1;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
        return 0;
    if (m->rkt && strcmp(rd_kafka_topic_name(m->rkt), opt.topic) == 0)
        fail(EXIT_KAFKA, "consume %s/%" PRId32 ": %s", opt.topic, m->partition,
             rd_kafka_message_errstr(m));
    if (!opt.quiet)
        fprintf(stderr, "loadgen: consumer: %s\n", rd_kafka_message_errstr(m));
    return 0;
}

static int run_consume(void) {
    rd_kafka_t *rk = new_consumer(RD_KAFKA_OFFSET_BEGINNING);
    /* Batch API (as librdkafka's own performance tool uses): one call hands over up to
     * CONSUME_BATCH messages, so the client's per-message cost does not cap the rate. */
    enum { CONSUME_BATCH = 10000 };
    rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);
    rd_kafka_message_t **batch = calloc(CONSUME_BATCH, sizeof(*batch));
    if (!queue || !batch)
        fail(EXIT_KAFKA, "consumer queue setup failed");
    long got = 0;
    double bytes = 0;
    uint64_t start = now_ns(), end = start, first = 0;
    while (got < opt.count && !past_deadline()) {
        ssize_t n = rd_kafka_consume_batch_queue(queue, 100, batch, CONSUME_BATCH);
        if (n > 0 && !first)
            first = now_ns();
        if (n < 0)
            fail(EXIT_KAFKA, "consume_batch_queue: %s", rd_kafka_err2str(rd_kafka_last_error()));
        for (ssize_t i = 0; i < n; i++) {
            if (check_message(batch[i]) && got < opt.count) {
                got++;
                bytes += (double)batch[i]->len;
            }
            rd_kafka_message_destroy(batch[i]);
        }
        if (n > 0)
            end = now_ns();
    }
    free(batch);
    rd_kafka_queue_destroy(queue);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    if (got < opt.count)
        fail(EXIT_TIMEOUT, "time limit: consumed %ld of %ld messages", got, opt.count);
    if (!opt.quiet)
        fprintf(stderr, "consume: first message after %.1f ms; %.0f msg/s from the first message on\n",
                (double)(first - start) / 1e6, (double)got / ((double)(end - first) / 1e9));
    print_rate("consume", got, bytes, end - start);
    return EXIT_OK;
}

/* ---------------------------------------------------------------- latency */

struct latency_state {
    rd_kafka_t *consumer;
    double *samples_ms; /* measured (non-warm-up) messages only */
    long capacity;
    volatile long measured; /* written by the consumer thread, polled by the main thread */
    volatile long warmup_seen;
    volatile long expected_total; /* set by the producer when it is done; -1 until then */
    volatile int stop;
    volatile int error;
};

static void *latency_consumer(void *arg) {
    struct latency_state *ls = arg;
    while (!ls->stop) {
        long total = ls->measured + ls->warmup_seen;
        if (ls->expected_total >= 0 && total >= ls->expected_total)
            break;
        rd_kafka_message_t *m = rd_kafka_consumer_poll(ls->consumer, 50);
        uint64_t now = now_ns();
        if (check_message(m)) {
            uint64_t magic, sent;
            if (m->len < LAT_HEADER) {
                ls->error = 1;
            } else {
                memcpy(&magic, m->payload, 8);
                memcpy(&sent, (const char *)m->payload + 8, 8);
                if (magic != LAT_MAGIC) {
                    ls->error = 1;
                } else if (((const unsigned char *)m->payload)[16]) {
                    ls->warmup_seen++;
                } else if (ls->measured < ls->capacity) {
                    ls->samples_ms[ls->measured++] = (double)(now - sent) / 1e6;
                }
            }
        }
        if (m)
            rd_kafka_message_destroy(m);
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *sorted, long n, double p) {
    if (n == 0)
        return 0;
    long idx = (long)(p / 100.0 * (double)n + 0.5) - 1;
    if (idx < 0)
        idx = 0;
    if (idx >= n)
        idx = n - 1;
    return sorted[idx];
}

static int64_t high_watermark(rd_kafka_t *rk) {
    int64_t lo = 0, hi = 0;
    for (;;) {
        rd_kafka_resp_err_t err =
            rd_kafka_query_watermark_offsets(rk, opt.topic, 0, &lo, &hi, 10000);
        if (!err)
            return hi;
        if (past_deadline())
            fail(EXIT_TIMEOUT, "watermarks: %s", rd_kafka_err2str(err));
        /* a new topic is being auto-created by the producer's metadata request; retry */
        struct timespec pause = {0, 100 * 1000000L};
        nanosleep(&pause, NULL);
    }
}

static int run_latency(void) {
    if (opt.size < LAT_HEADER)
        fail(EXIT_USAGE, "latency needs -s >= %d", LAT_HEADER);
    if (opt.rate == 0)
        opt.rate = 1000;
    if (opt.duration_s <= 0)
        fail(EXIT_USAGE, "latency needs -d > 0");

    struct produce_state st = {0};
    rd_kafka_conf_t *conf = base_conf();
    set_conf(conf, "acks", opt.acks);
    set_conf(conf, "linger.ms", "0");
    set_conf(conf, "compression.codec", opt.codec);
    set_conf(conf, "message.timeout.ms", "30000");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &st);
    rd_kafka_t *producer = new_client(RD_KAFKA_PRODUCER, conf);

    /* make sure the topic exists, then start reading at its current end */
    unsigned char *payload = calloc(1, (size_t)opt.size);
    if (!payload)
        fail(EXIT_KAFKA, "out of memory");
    uint64_t magic = LAT_MAGIC, t;
    memcpy(payload, &magic, 8);
    t = now_ns();
    memcpy(payload + 8, &t, 8);
    payload[16] = 1;
    produce_one(producer, payload, (size_t)opt.size, 1);
    rd_kafka_flush(producer, remaining_ms());
    if (st.failed)
        fail(EXIT_KAFKA, "first message not delivered: %s", rd_kafka_err2str(st.first_error));
    if (!st.delivered)
        fail(EXIT_TIMEOUT, "time limit: first message not delivered");

    struct latency_state ls = {0};
    /* absolute start offset: everything after the probe message */
    ls.consumer = new_consumer(high_watermark(producer));
    ls.capacity = opt.rate * opt.duration_s + 16;
    ls.samples_ms = malloc(sizeof(double) * (size_t)ls.capacity);
    if (!ls.samples_ms)
        fail(EXIT_KAFKA, "out of memory");
    ls.expected_total = -1;
    pthread_t thread;
    if (pthread_create(&thread, NULL, latency_consumer, &ls) != 0)
        fail(EXIT_KAFKA, "pthread_create failed");

    /* 1 s warm-up at the target rate (excluded), then the measured period, on a fixed schedule */
    long warmup = opt.rate, measured = opt.rate * (long)opt.duration_s, total = warmup + measured;
    uint64_t interval = 1000000000ULL / (uint64_t)opt.rate, start = now_ns() + 1000000ULL;
    long sent = 0;
    for (; sent < total && !past_deadline(); sent++) {
        wait_for_slot(start, sent, interval);
        t = now_ns();
        memcpy(payload + 8, &t, 8);
        payload[16] = sent < warmup;
        if (produce_one(producer, payload, (size_t)opt.size, 1) != 0)
            break;
        rd_kafka_poll(producer, 0);
    }
    uint64_t produce_secs_ns = now_ns() - start;
    while (st.delivered + st.failed < sent + 1 && !past_deadline())
        rd_kafka_flush(producer, 100);
    ls.expected_total = sent;
    /* give the consumer the rest of the time limit, but at most 30 s, to see everything */
    uint64_t wait_until = now_ns() + 30000000000ULL;
    while (ls.measured + ls.warmup_seen < sent && now_ns() < wait_until && !past_deadline()) {
        struct timespec pause = {0, 10 * 1000000L};
        nanosleep(&pause, NULL);
    }
    ls.stop = 1;
    pthread_join(thread, NULL);
    rd_kafka_consumer_close(ls.consumer);
    rd_kafka_destroy(ls.consumer);
    rd_kafka_purge(producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(producer, 1000);
    rd_kafka_destroy(producer);
    free(payload);

    int code = EXIT_OK;
    if (st.failed) {
        fprintf(stderr, "loadgen: %ld deliveries failed, first: %s\n", st.failed,
                rd_kafka_err2str(st.first_error));
        code = EXIT_KAFKA;
    }
    if (ls.error) {
        fprintf(stderr, "loadgen: foreign or short messages on %s/0\n", opt.topic);
        code = EXIT_KAFKA;
    }
    if (sent < total || ls.measured < measured) {
        fprintf(stderr, "loadgen: sent %ld of %ld, received %ld of %ld measured messages\n",
                sent, total, ls.measured, measured);
        code = code ? code : EXIT_TIMEOUT;
    }
    double achieved = (double)sent / ((double)produce_secs_ns / 1e9);
    qsort(ls.samples_ms, (size_t)ls.measured, sizeof(double), cmp_double);
    double p50 = percentile(ls.samples_ms, ls.measured, 50),
           p99 = percentile(ls.samples_ms, ls.measured, 99),
           p999 = percentile(ls.samples_ms, ls.measured, 99.9),
           max = ls.measured ? ls.samples_ms[ls.measured - 1] : 0;
    if (!opt.quiet)
        printf("latency: %ld msg/s target (%.0f achieved), %ld measured: p50 %.3f ms, "
               "p99 %.3f ms, p99.9 %.3f ms, max %.3f ms\n",
               opt.rate, achieved, ls.measured, p50, p99, p999, max);
    printf("RESULT mode=latency rate=%ld achieved_rate=%.0f messages=%ld p50_ms=%.3f p99_ms=%.3f "
           "p999_ms=%.3f max_ms=%.3f\n",
           opt.rate, achieved, ls.measured, p50, p99, p999, max);
    free(ls.samples_ms);
    return code;
}

/* ---------------------------------------------------------------- main */

static long parse_long(const char *s, const char *what, long min) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min)
        fail(EXIT_USAGE, "bad %s '%s' (want an integer >= %ld)", what, s, min);
    return v;
}

int main(int argc, char **argv) {
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return EXIT_OK;
    }
    if (argc < 2 || argv[1][0] == '-') {
        usage(stderr);
        return EXIT_USAGE;
    }
    opt.mode = argv[1];
    optind = 2;
    int c;
    while ((c = getopt(argc, argv, "b:t:n:s:a:l:B:z:r:d:T:X:qh")) != -1) {
        switch (c) {
        case 'b': opt.bootstrap = optarg; break;
        case 't': opt.topic = optarg; break;
        case 'n': opt.count = parse_long(optarg, "count", 1); break;
        case 's': opt.size = parse_long(optarg, "size", 0); break;
        case 'a': opt.acks = optarg; break;
        case 'l': opt.linger_ms = (int)parse_long(optarg, "linger", 0); break;
        case 'B': opt.batch_bytes = parse_long(optarg, "batch size", 1); break;
        case 'z': opt.codec = optarg; break;
        case 'r': opt.rate = parse_long(optarg, "rate", 1); break;
        case 'd': opt.duration_s = (int)parse_long(optarg, "duration", 1); break;
        case 'T': opt.limit_s = (int)parse_long(optarg, "time limit", 1); break;
        case 'X':
            if (opt.n_extra == MAX_EXTRA)
                fail(EXIT_USAGE, "too many -X options");
            opt.extra[opt.n_extra++] = optarg;
            break;
        case 'q': opt.quiet = 1; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc)
        fail(EXIT_USAGE, "unexpected argument '%s'", argv[optind]);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    deadline_ns = now_ns() + (uint64_t)opt.limit_s * 1000000000ULL;

    if (strcmp(opt.mode, "produce") == 0)
        return run_produce();
    if (strcmp(opt.mode, "consume") == 0)
        return run_consume();
    if (strcmp(opt.mode, "latency") == 0)
        return run_latency();
    fprintf(stderr, "loadgen: unknown mode '%s'\n", opt.mode);
    usage(stderr);
    return EXIT_USAGE;
}
