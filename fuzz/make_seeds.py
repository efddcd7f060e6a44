#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpus of the fuzz targets into tests/fuzz/<target>/ (see docs/FUZZING.md).

Seeds are small, meaningful inputs: the real engine captures and fixtures of the unit tests
(tests/engine/fixtures, tests/metrics/fixtures, tests/deploy/fixtures) plus hand-written
messages shaped like docs/PROTOCOL.md. Run it again after changing a target's input layout:

    python3 fuzz/make_seeds.py
"""
import json
import os
import shutil
import struct

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "tests", "fuzz")


def fixture(*parts):
    with open(os.path.join(ROOT, "tests", *parts), "rb") as f:
        return f.read()


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def frame(stream, payload):
    return struct.pack(">BxxxI", stream, len(payload)) + payload


TS = b"2025-01-15T10:30:01.123456789Z "


def logstream_seeds():
    t = "fuzz_logstream_multiplexed"
    mux = fixture("engine", "fixtures", "engine-20.10-multiplexed.bin")
    # [limit selector][parameter] + stream; selector & 3: 0 = 1 MiB, 1 = param % 64,
    # 2 = 16 KiB - 8 + param % 16, 3 = 64 + 5 * param.
    write(t, "engine-capture-1mib", bytes([0, 0]) + mux)
    write(t, "engine-capture-limit-16k", bytes([2 | 4, 9]) + mux)
    write(t, "engine-capture-limit-20", bytes([1 | 8, 20]) + mux[:2000])
    write(t, "interleaved-partials", bytes([0, 0]) + frame(1, TS + b"out part one, ")
          + frame(2, TS + b"an error\n") + frame(1, TS + b"part two\n")
          + frame(2, TS + b"err no newline"))
    write(t, "no-timestamp-and-offset", bytes([3, 1]) + frame(1, b"plain line without ts\n")
          + frame(2, b"2025-01-15T10:30:01.5+01:00 offset ts\n")
          + frame(1, b"2025-01-15T10:30:01Z") + frame(1, b"2025-01-15T10:30:02Z \n"))
    write(t, "empty-and-stdin-frames", bytes([0, 0]) + frame(1, b"") + frame(0, TS + b"stdin\n")
          + frame(1, b"") + frame(2, TS + b"\n"))
    write(t, "utf8-at-small-limit", bytes([1, 7]) + frame(1, TS + "aé€😀b€€€\n".encode())
          + frame(2, TS + "ééééééé\n".encode()) + frame(1, TS + b"\xe2\x82\n\xff\xfe ok\n"))
    write(t, "truncated-frame", bytes([0, 0]) + frame(1, TS + b"whole\n")
          + struct.pack(">BxxxI", 1, 100) + TS[:20])
    write(t, "hostile-type", bytes([0, 0]) + frame(1, TS + b"before\n") + b"\x03\0\0\0\0\0\0\x01x")
    write(t, "hostile-padding", bytes([0, 0]) + frame(1, TS + b"before\n") + b"\x01\0\x01\0\0\0\0\x01x")
    write(t, "hostile-size", bytes([0, 0]) + frame(2, TS + b"x") + b"\x01\0\0\0\x7f\xff\xff\xff")

    t = "fuzz_logstream_tty"
    tty = fixture("engine", "fixtures", "engine-20.10-tty.bin")
    write(t, "engine-capture-1mib", bytes([0, 0]) + tty)
    write(t, "engine-capture-limit-16k", bytes([2 | 4, 3]) + tty)
    write(t, "engine-capture-limit-100", bytes([3 | 8, 7]) + tty[:3000])
    write(t, "crlf-and-bare-lines", bytes([0, 0]) + TS + b"one\r\n" + b"no ts\r\n" + TS
          + b"\r\n" + b"2025-01-15T10:30:01-05:00 offset\n" + TS + b"cr\rinside\n" + TS + b"tail")
    write(t, "utf8-at-small-limit", bytes([1, 6]) + TS + "aé€😀b€€€\r\n".encode() + TS
          + b"\xf0\x9f\x98\r\n" + TS + "xxxxx\r".encode())
    piece = b"z" * 16384
    write(t, "continuation-pieces", bytes([0, 0]) + TS + piece + TS + b"end of long\r\n"
          + TS + piece + b"not a ts\n")


def servicelog_seeds():
    t = "fuzz_servicelog"
    ts = b"2026-11-28T14:40:33.608334712Z "

    def details(task, node=b"n1"):
        return (b"com.docker.swarm.node.id=" + node + b",com.docker.swarm.service.id=s1,"
                b"com.docker.swarm.task.id=" + task + b" ")

    three = b"".join(frame(1, ts + details(b"t%d" % (i % 3)) + b"line %d\n" % i) for i in range(9))
    write(t, "three-tasks", bytes([0, 0]) + three)
    piece = b"a" * 16384
    write(t, "pieces-interleaved", bytes([0, 5]) + frame(1, ts + details(b"t1") + piece)
          + frame(1, ts + details(b"t2") + b"b" * 100) + frame(1, ts + details(b"t1") + b"A\n")
          + frame(1, ts + details(b"t2") + b"B\n"))
    write(t, "small-limit-utf8", bytes([2 | 8, 2]) + frame(2, ts + details(b"t1") + "é€😀xyz€€\n".encode()))
    write(t, "no-details-no-ts", bytes([0, 1]) + frame(1, ts + b"plain\n") + frame(1, b"k=v x\n"))
    write(t, "tty", bytes([1, 3]) + ts + details(b"t9") + b"one\r\n" + ts + details(b"t9") + b"two\n")
    write(t, "bad-header", bytes([0, 0]) + frame(1, ts + details(b"t1") + b"ok\n") + b"\x05\0\0\0\0\0\0\x01x")


def parsing_seeds():
    t = "fuzz_parsing"
    seeds = {
        "id-1": "1", "id-42": "42", "id-max": "9007199254740991", "id-max-plus-1": "9007199254740992",
        "id-leading-zero": "007", "id-trailing-newline": "219\n", "id-signed": "-1", "id-17-digits": "12345678901234567",
        "query-appid": "appId=7", "query-twice": "appId=7&appId=8", "query-encoded-key": "%61ppId=7&x=1",
        "query-deployment": "deploymentId=3&after=12",
        "query-since": "since=2025-01-15T10:30:01.123456789Z&appId=1",
        "query-since-offset": "appId=1&since=2025-01-15T10:30:01%2B01:00",
        "cookie": "mist_token=abcDEF-_123; theme=dark", "cookie-quoted": "a=b; mist_token=\"tok\"",
        "cookie-spaces": " mist_token = spaced ;x",
        "ts-nanos": "2025-01-15T10:30:01.123456789Z", "ts-offset": "2025-01-15T10:30:01+01:00",
        "ts-before-epoch": "1970-01-01T00:00:00.5+01:00", "ts-last": "2261-12-31T23:59:59.999999999Z",
        "ts-feb-30": "2025-02-30T00:00:00Z", "ts-long-fraction": "2025-01-15t10:30:01.1234567891234z",
        "ansi-red": "\x1b[31mERROR\x1b[0m rest", "ansi-bold-256": "\x1b[1;38;5;196mX\x1b[22mY",
        "ansi-truecolor-colon": "\x1b[38:2::10:20:30;4:3mX\x1b[mZ",
        "json-zap": '{"level":"error","ts":1.5,"msg":"refused","req":{"id":3},"tags":[1,"a"]}',
        "json-pino": '{"level":30,"msg":"ok","a\\"b":null}',
        "ansi-osc-then-sgr": "\x1b]0;title\x07\x1b[32mok\x1b]8;;x\x1b\\\x1b[7mi",
    }
    for name, text in seeds.items():
        write(t, name, text.encode())


def http_seeds():
    t = "fuzz_http_request"
    seeds = {
        "ws-upgrade": b"GET /ws/container/logs?appId=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                      b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                      b"dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                      b"Cookie: mist_token=abc; theme=dark\r\n\r\n",
        "login-post": b"POST /api/auth/login HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 45\r\n\r\n{\"email\":\"me@example.com\",\"password\":\"pw\"}\r\n",
        "pipelined": b"GET /api/health HTTP/1.1\r\nHost: h\r\n\r\nGET /api/apps HTTP/1.1\r\nHost: h\r\n\r\n",
        "partial-body": b"POST /api/apps HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"name\":",
        "chunked": b"POST /api/apps HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        # A trailer field named Transfer-Encoding makes http_parser forget the body was chunked.
        "chunked-te-trailer": b"POST /api/apps HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                              b"0\r\nTransfer-Encoding: x\r\n\r\n",
        "lf-only": b"POST /api/apps HTTP/1.1\nContent-Length: 5\n\nhello",
        # neededBytes: a bare-LF head with "\r\n\r\n" in its body; a target refused (400) only
        # once the body is there; a bare-LF head whose whole request is over the small head limit.
        "lf-head-crlf-body": b"POST /api/auth/login HTTP/1.1\nContent-Length: 6\n\n\r\n\r\nab",
        "bad-target-with-body": b"POST /a%zz HTTP/1.1\r\nContent-Length: 5\r\n\r\nab",
        "lf-head-long": b"POST /api/apps HTTP/1.1\nX-Pad: " + b"p" * 180 + b"\nContent-Length: 60\n\nab",
        "http10-head": b"HEAD /ws/metrics?x=%zz HTTP/1.0\r\nX-Mixed-Case: Value \r\n\r\n",
        "absolute-target": b"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n",
        "upgrade-with-body": b"GET /ws/metrics HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             b"Content-Length: 10\r\n\r\n0123",
        "deployment-query": b"GET /ws/deployment/logs?deploymentId=3&after=2&deploymentId=4 HTTP/1.1\r\n"
                            b"Upgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n",
    }
    for name, data in seeds.items():
        write(t, name, data)


def proc_seeds():
    t = "fuzz_proc"
    d = os.path.join(ROOT, "tests", "metrics", "fixtures")
    for name in sorted(os.listdir(d)):
        # (the cgroup/ fixture trees are CgroupReader's, not /proc files)
        if os.path.isfile(os.path.join(d, name)) and os.path.getsize(os.path.join(d, name)) > 0:
            write(t, name, fixture("metrics", "fixtures", name))
    stat = fixture("metrics", "fixtures", "stat-4cpu.txt")
    later = stat.replace(b"cpu  ", b"cpu  9", 1)
    write(t, "stat-two-samples", stat + b"\0" + later + b"\0" + stat)
    write(t, "stat-and-meminfo", stat + b"\0" + fixture("metrics", "fixtures", "meminfo-normal.txt"))


def build_seeds():
    t = "fuzz_build_output"
    d = os.path.join(ROOT, "tests", "deploy", "fixtures")
    for name in sorted(os.listdir(d)):
        if name.endswith((".json", ".jsonl")):
            write(t, name, fixture("deploy", "fixtures", name))
    objs = [
        {"status": "Pulling from library/busybox", "id": "latest"},
        {"status": "Downloading", "progressDetail": {"current": 1, "total": 2}, "progress": "[=> ]", "id": "abc"},
        {"stream": "Step 1/2 : FROM x\n"}, {"stream": "progress 10%\rprogress 100%\r\n"},
        {"stream": "\u001b]0;title\u0007\u001b[1mbold\u001b[0m \t tab\n"},
        {"aux": {"ID": "sha256:0123456789abcdef"}}, {"stream": "Successfully built 0123456789ab\n"},
    ]
    write(t, "pull-progress-aux", b"\r\n".join(json.dumps(o).encode() for o in objs))
    write(t, "surrogates-and-escapes",
          b'{"stream":"\\ud83d\\ude00 smile \\ud800 lone \\udc00 low \\u00e9\\n"}'
          b'{"stream":"no separator"}{"stream":"\\n"}')
    write(t, "malformed-then-valid",
          b'{"stream":"ok\\n"} garbage {"x":[1,2,{"y":null}]}\n{"stream":"after\\n"}\n'
          b'{"errorDetail":{"code":3},"error":"x returned a non-zero code: 7"}\n{"stream":"cut')
    write(t, "status-with-newline", b'{"status":"Downloading\\nnext","id":"abc"}\r\n')
    write(t, "status-id-cap-utf8", ('{"status":"Downloading","id":"' + "€" * 100 + '"}\r\n').encode())
    # 1 + 64 × 4 bytes: the 256-byte id cap falls inside the last emoji.
    write(t, "status-id-cap-4byte", ('{"status":"s","id":"a' + "\U0001F600" * 64 + '"}\r\n').encode())
    write(t, "aux-id-cap-utf8", ('{"aux":{"ID":"sha256:x' + "€" * 90 + '"}}\r\n').encode())
    write(t, "deep-nesting", b'{"a":' + b"[" * 40 + b"]" * 40 + b'}\n{"stream":"next\\n"}')


def client_seeds():
    t = "fuzz_client_json"

    def msgs(kind, lines):
        return bytes([kind]) + b"\n".join(
            l if isinstance(l, bytes) else json.dumps(l, separators=(",", ":")).encode() for l in lines)

    sample = {"timestamp": "2025-01-15T10:30:00Z", "cpu": {"usage": 25.5, "cores": 4},
              "memory": {"used": 4294967296, "total": 17179869184, "percent": 25.0},
              "disk": {"used": 53687091200, "total": 536870912000, "percent": 10.0},
              "docker": {"containers_running": 5, "containers_total": 8, "images": 12}}
    upstream = {"timestamp": "2025-01-15T10:30:01Z", "cpu": {"usage": 1}, "memory": {"used": 1, "total": 0},
                "docker": None}
    write(t, "metrics", msgs(0, [sample, upstream, b"~", sample, b"not json", b"[1,2]"]))

    def env(type_, data):
        return {"type": type_, "timestamp": "2025-01-15T10:30:01Z", "data": data}

    def log(line, ts, stream="stdout"):
        return env("log", {"line": line, "stream": stream, "ts": ts})

    t1, t2, t3 = ("2025-01-15T10:30:01.000000001Z", "2025-01-15T10:30:01.000000002Z",
                  "2025-01-15T10:30:02Z")
    write(t, "container-logs-resume", msgs(1, [
        env("status", {"container": "web", "state": "running", "status": "Up 2 hours"}),
        log("a", t1), log("b", t2), log("c", t2), b"~",
        env("status", {"container": "web", "state": "running", "status": "Up 2 hours"}),
        log("a", t1), log("b", t2), log("c", t2), log("d", t2), log("e", t3),
        log("late", t1), env("end", {"message": "Log stream ended"}), b"~", log("x", "bad ts")]))
    write(t, "container-logs-error", msgs(1, [
        env("error", {"message": "Container not running"}), b"~c", log("y", t3), b"~",
        env("error", {"message": "Container not found"}), b"~c"]))
    write(t, "deployment-logs-resume", msgs(2, [
        env("status", {"deployment_id": 3, "status": "building", "stage": "building_image",
                       "progress": 52, "message": "", "error_message": ""}),
        env("log", {"line": "Step 1/2 : FROM x", "index": 1}),
        env("log", {"line": "two", "index": 2}), b"~",
        env("log", {"line": "two", "index": 2}), env("log", {"line": "three", "index": 3}),
        env("log", {"line": "no index"}), env("log", {"line": "big", "index": 9007199254740991}),
        env("end", {"message": "Deployment completed"}), b"~c"]))

    # Upstream Mist's dialect (checked through the upstream translator too).
    up_stats = {"cpuUsage": 12.5, "memory": {"total": 17179869184, "used": 4294967296},
                "disk": [{"name": "/dev/vda", "totalSpace": 400, "availableSpace": 300, "usedSpace": 100},
                         {"name": "/dev/vdb", "totalSpace": 100, "availableSpace": 100}],
                "loadAverage": {"oneMinute": 0.1, "fiveMinutes": 0.2, "fifteenMinutes": 0.3},
                "timestamp": 1736937000, "uptime": 123456, "cpuTemperature": 45.0}
    write(t, "upstream-metrics", msgs(0, [up_stats, {"cpuUsage": 250, "timestamp": 1e15}, b"~", up_stats]))
    piece = "p" * 16384
    write(t, "upstream-container-logs", msgs(1, [
        env("status", {"container": "app-7", "state": "running", "status": "running"}),
        {"type": "log", "timestamp": "2025-01-15T10:30:01Z", "data": {"line": piece, "stream": "stdout"}},
        {"type": "log", "timestamp": "2025-01-15T10:30:01Z", "data": {"line": "tail", "stream": "stdout"}},
        {"type": "log", "timestamp": "2025-01-15T10:30:01Z", "data": {"line": piece, "stream": "stderr"}},
        env("end", {"message": "Log stream ended"}), b"~c"]))

    def up_status(status, stage, progress, error=""):
        return env("status", {"deployment_id": 3, "status": status, "stage": stage, "progress": progress,
                              "message": "", "error_message": error})
    write(t, "upstream-deployment", msgs(2, [
        up_status("pending", "pending", 0), up_status("cloning", "", 20),
        {"type": "log", "timestamp": "2025-01-15T10:30:01Z",
         "data": {"line": "Cloning", "stream": "stdout", "timestamp": "2025-01-15T10:30:01Z"}},
        up_status("building", "pulling", 50), up_status("deploying", "deploying", 180),
        up_status("failed", "failed", -5, "exit code 1"), up_status("success", "success", 100), b"~c"]))


def main():
    # Everything but the regression-* seeds: inputs a run once failed on, saved by hand.
    if os.path.isdir(OUT):
        for entry in os.listdir(OUT):
            if entry.startswith("fuzz_"):
                d = os.path.join(OUT, entry)
                for name in os.listdir(d):
                    if name.startswith(("regression-", "regress-")):
                        continue
                    path = os.path.join(d, name)
                    if os.path.isdir(path):
                        shutil.rmtree(path)
                    else:
                        os.remove(path)
    logstream_seeds()
    servicelog_seeds()
    parsing_seeds()
    http_seeds()
    proc_seeds()
    build_seeds()
    client_seeds()


if __name__ == "__main__":
    main()
