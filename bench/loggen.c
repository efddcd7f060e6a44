// SPDX-License-Identifier: GPL-3.0-or-later

/* mist-bench-loggen: the log producer of the benchmarks (bench/README in
 * docs/PERFORMANCE.md). Runs inside a container (bind-mounted, statically
 * linked, so the busybox base image needs nothing) and prints numbered lines
 * that carry their own write time:
 *
 *     ~L<seq, 10 digits> <CLOCK_REALTIME ns, 19 digits> xxxx...\n
 *
 * so that a reader can check order and gaps (seq) and measure latency from
 * the write to its own receipt (the container shares the host's clock).
 *
 *   loggen --count N --size BYTES [--rate LINES_PER_S] [--wait-file PATH]
 *
 * --size is the whole line including the newline (at least 34). --rate 0
 * (the default) writes as fast as the engine accepts, in 64 KiB writes; a
 * rate writes each line when it is due, one write per millisecond tick.
 * --count 0 never stops. With --wait-file it polls for PATH to exist before
 * the first line, so a reader can connect first. After the last line it
 * sleeps, so the container stays up and its stream stays open. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { HeaderBytes = 33, MaxLine = 1 << 20, BatchBytes = 64 * 1024 };

static int64_t now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int write_all(const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void sleep_ns(int64_t ns) {
    struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Formats line `seq` into `out` (size bytes, ending in '\n'). */
static void format_line(char *out, size_t size, uint64_t seq) {
    char head[HeaderBytes + 1];
    snprintf(head, sizeof head, "~L%010llu %019lld ", (unsigned long long)(seq % 10000000000ULL),
             (long long)now_ns(CLOCK_REALTIME));
    memcpy(out, head, HeaderBytes);
    memset(out + HeaderBytes, 'x', size - HeaderBytes - 1);
    out[size - 1] = '\n';
}

static int usage(void) {
    fprintf(stderr,
            "usage: loggen --count N --size BYTES [--rate LINES_PER_S] [--wait-file PATH]\n");
    return 2;
}

int main(int argc, char **argv) {
    long long count = -1, size = -1, rate = 0;
    const char *waitFile = NULL;
    for (int i = 1; i < argc; ++i) {
        if (i + 1 >= argc)
            return usage();
        char *end = NULL;
        if (strcmp(argv[i], "--wait-file") == 0) {
            waitFile = argv[++i];
            continue;
        }
        long long v = strtoll(argv[i + 1], &end, 10);
        if (*argv[i + 1] == '\0' || *end != '\0' || v < 0)
            return usage();
        if (strcmp(argv[i], "--count") == 0)
            count = v;
        else if (strcmp(argv[i], "--size") == 0)
            size = v;
        else if (strcmp(argv[i], "--rate") == 0)
            rate = v;
        else
            return usage();
        ++i;
    }
    if (count < 0 || size < HeaderBytes + 1 || size > MaxLine)
        return usage();

    if (waitFile)
        while (access(waitFile, F_OK) != 0)
            sleep_ns(5 * 1000 * 1000);

    const size_t lineBytes = (size_t)size;
    const size_t batchLines = lineBytes >= BatchBytes ? 1 : BatchBytes / lineBytes;
    char *buffer = malloc(batchLines * lineBytes);
    if (!buffer)
        return 1;
    const int64_t start = now_ns(CLOCK_MONOTONIC);
    uint64_t written = 0;
    while (count == 0 || written < (uint64_t)count) {
        uint64_t due = batchLines;
        if (rate > 0) {
            /* Lines due by now; wait for the next millisecond tick if none. */
            const int64_t elapsed = now_ns(CLOCK_MONOTONIC) - start;
            const uint64_t target = (uint64_t)((__int128)elapsed * rate / 1000000000) + 1;
            if (target <= written) {
                sleep_ns(1000 * 1000 - elapsed % (1000 * 1000));
                continue;
            }
            due = target - written;
            if (due > batchLines)
                due = batchLines;
        }
        if (count != 0 && due > (uint64_t)count - written)
            due = (uint64_t)count - written;
        for (uint64_t i = 0; i < due; ++i)
            format_line(buffer + i * lineBytes, lineBytes, written + i + 1);
        if (write_all(buffer, due * lineBytes) != 0)
            return 1;
        written += due;
    }
    free(buffer);
    for (;;)
        pause();
}
