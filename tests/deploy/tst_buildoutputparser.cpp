// SPDX-License-Identifier: GPL-3.0-or-later

// Tests for mist::deploy::BuildOutputParser: the JSON-lines body of the engine's POST /build.
// The fixtures under tests/deploy/fixtures/ are real answers of Engine 20.10 (API 1.41, classic
// builder), captured with curl; fixtures/README.md says how.

#include "TestPaths.h"
#include "deploy/BuildOutputParser.h"

#include <QFile>
#include <QRandomGenerator>
#include <QtTest>

using mist::deploy::BuildEvent;
using mist::deploy::buildFailureMessage;
using mist::deploy::BuildOutputParser;

namespace {

constexpr qsizetype MaxLine = BuildOutputParser::MaxLineBytes;
const QString Malformed = QStringLiteral("E|malformed build output");

QByteArray fixture(const QString &name) {
    QFile f(mist::test::sourcePath(QStringLiteral("tests/deploy/fixtures/")) + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(f.fileName()));
    return f.readAll();
}

// An input of the fuzz target's seed corpus (docs/FUZZING.md).
QByteArray fuzzSeed(const char *name) {
    QFile f(mist::test::sourcePath(QStringLiteral("tests/fuzz/fuzz_build_output/")) +
            QString::fromLatin1(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open fuzz seed %s", qPrintable(f.fileName()));
    return f.readAll();
}

// "L|line", "L2/3|line" for a step line, "E|message".
QString render(const BuildEvent &e) {
    if (e.kind == BuildEvent::Kind::Error)
        return QStringLiteral("E|") + e.line;
    if (e.step)
        return QStringLiteral("L%1/%2|").arg(e.step).arg(e.totalSteps) + e.line;
    return QStringLiteral("L|") + e.line;
}

struct Result {
    QStringList events;
    QString imageId;
    bool failed = false;
    int exitCode = -1;
    QString errorMessage;
    QString failure;
};

Result result(const BuildOutputParser &p, const QList<BuildEvent> &events) {
    Result r;
    for (const BuildEvent &e : events)
        r.events << render(e);
    r.imageId = p.imageId();
    r.failed = p.failed();
    r.exitCode = p.exitCode();
    r.errorMessage = p.errorMessage();
    r.failure = buildFailureMessage(p);
    return r;
}

// Feeds `input` in pieces of `chunk` bytes (all at once when chunk is 0), then finishes.
Result parseChunked(const QByteArray &input, qsizetype chunk) {
    BuildOutputParser p;
    QList<BuildEvent> out;
    if (chunk <= 0) {
        p.feed(input, out);
    } else {
        for (qsizetype pos = 0; pos < input.size(); pos += chunk)
            p.feed(QByteArrayView(input).sliced(pos, std::min(chunk, input.size() - pos)), out);
    }
    p.finish(out);
    return result(p, out);
}

// Feeds `input` cut at the given offsets (sorted), then finishes.
Result parseSplit(const QByteArray &input, const QList<qsizetype> &cuts) {
    BuildOutputParser p;
    QList<BuildEvent> out;
    qsizetype pos = 0;
    for (qsizetype cut : cuts) {
        p.feed(QByteArrayView(input).sliced(pos, cut - pos), out);
        pos = cut;
    }
    p.feed(QByteArrayView(input).sliced(pos), out);
    p.finish(out);
    return result(p, out);
}

QByteArray streamObject(const QByteArray &text) {
    return "{\"stream\":\"" + text + "\"}";
}

qint64 residentKiB() {
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

const QString NoImage = QStringLiteral("Docker build failed: build output ended without an image");

} // namespace

class TestBuildOutputParser : public QObject {
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void randomSplitsGiveTheSameResult();
    void cutsGiveTheSameResult_data();
    void cutsGiveTheSameResult();
    void memoryStaysBoundedForHugeValues();
    void feedAfterErrorAndFinishTwice();
    void failureMessageWording();

private:
    // Adds the case four times: the whole input at once, and in chunks of 1, 7 and 4096 bytes.
    void addCase(const char *name, const QByteArray &input, const QStringList &events,
                 const QString &imageId = {}, bool failed = false, int exitCode = -1,
                 const QString &failure = NoImage);
};

void TestBuildOutputParser::addCase(const char *name, const QByteArray &input,
                                    const QStringList &events, const QString &imageId, bool failed,
                                    int exitCode, const QString &failure) {
    for (int chunk : {0, 1, 7, 4096}) {
        const QByteArray tag = QByteArray(name) + (chunk ? " /" + QByteArray::number(chunk) : "");
        QTest::newRow(tag.constData())
            << input << chunk << events << imageId << failed << exitCode << failure;
    }
}

void TestBuildOutputParser::parse_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("chunk");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<QString>("imageId");
    QTest::addColumn<bool>("failed");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("failure");

    // --- Real engine output.
    addCase(
        "real: successful 3-step build", fixture(QStringLiteral("build-success-3steps.jsonl")),
        {
            QStringLiteral("L1/3|Step 1/3 : FROM mist-test-base:latest"),
            QStringLiteral("L| ---> 8357be21945e"),
            QStringLiteral(
                "L2/3|Step 2/3 : RUN echo hello; echo -n \"part\"; sleep 1; echo \"ial line\""),
            QStringLiteral("L| ---> Running in 57cc3deca333"),
            QStringLiteral("L|hello"),
            QStringLiteral("L|partial line"), // "part" and "ial line\n" came in two objects
            QStringLiteral("L|Removing intermediate container 57cc3deca333"),
            QStringLiteral("L| ---> cfe16bac662d"),
            QStringLiteral("L3/3|Step 3/3 : RUN printf \"\\033[1;32mgreen\\033[0m done\\n\""),
            QStringLiteral("L| ---> Running in e2c9fad22f8c"),
            QStringLiteral("L|green done"), // the real escape codes printf produced are gone
            QStringLiteral("L|Removing intermediate container e2c9fad22f8c"),
            QStringLiteral("L| ---> ff4dda7c2e49"),
            QStringLiteral("L|Successfully built ff4dda7c2e49"),
            QStringLiteral("L|Successfully tagged mist-fixture-ok:1"),
        },
        QStringLiteral("sha256:ff4dda7c2e49f6c7b42f536b3797476c346b00a1a4f83b69843e22d48b584b81"),
        false, -1, NoImage);

    const QString runFailed = QStringLiteral(
        "The command '/bin/sh -c echo about to fail && exit 1' returned a non-zero code: 1");
    addCase("real: RUN exits 1", fixture(QStringLiteral("build-run-exit1.jsonl")),
            {
                QStringLiteral("L1/2|Step 1/2 : FROM mist-test-base:latest"),
                QStringLiteral("L| ---> 8357be21945e"),
                QStringLiteral("L2/2|Step 2/2 : RUN echo about to fail && exit 1"),
                QStringLiteral("L| ---> Running in d9a933b36f04"),
                QStringLiteral("L|about to fail"),
                QStringLiteral("L|Removing intermediate container d9a933b36f04"),
                QStringLiteral("E|") + runFailed,
            },
            {}, true, 1, QStringLiteral("Docker build failed: exit code 1"));

    const QString syntax =
        QStringLiteral("dockerfile parse error line 2: unknown instruction: BOGUS");
    addCase("real: Dockerfile syntax error (HTTP 400 body)",
            fixture(QStringLiteral("build-dockerfile-syntax-error.json")),
            {QStringLiteral("E|") + syntax}, {}, true, -1,
            QStringLiteral("Docker build failed: ") + syntax);

    const QString pull = QStringLiteral(
        "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on "
        "10.255.255.53:53: no such host");
    addCase("real: FROM a missing image", fixture(QStringLiteral("build-from-missing-image.jsonl")),
            {QStringLiteral("L1/2|Step 1/2 : FROM mist-no-such-image:9.9"),
             QStringLiteral("E|") + pull},
            {}, true, -1, QStringLiteral("Docker build failed: ") + pull);

    // --- Line assembly.
    addCase("partial lines across objects, no separators",
            R"({"stream":"ab"}{"stream":"c"}{"stream":"d\nef"}{"stream":"\n"}{"stream":"tail"})",
            {QStringLiteral("L|abcd"), QStringLiteral("L|ef"), QStringLiteral("L|tail")});
    addCase("separators: none, \\n, \\r\\n, blanks",
            "{\"stream\":\"a\\n\"}\n{\"stream\":\"b\\n\"}\r\n  \t{\"stream\":\"c\\n\"}"
            "{\"stream\":\"d\\n\"}\r\n\r\n",
            {QStringLiteral("L|a"), QStringLiteral("L|b"), QStringLiteral("L|c"),
             QStringLiteral("L|d")});
    addCase("empty and blank lines dropped", R"({"stream":"\n\n   \n\t\n"}{"stream":"x\r\n"})",
            {QStringLiteral("L|x")});
    addCase("carriage returns overwrite, a trailing one is dropped",
            R"({"stream":"10%\r50%\r100%\r\n"}{"stream":"a\r"}{"stream":"\n"})",
            {QStringLiteral("L|100%"), QStringLiteral("L|a")});
    addCase("leading blanks kept", R"({"stream":"  indented\tline\n"})",
            {QStringLiteral("L|  indented\tline")});

    // --- ANSI escape sequences and control characters.
    addCase(
        "ANSI: CSI, OSC title, charset, erase line",
        R"({"stream":"\u001b[31mred\u001b[0m \u001b]0;title\u0007plain\u001b[2K\u001b(B end\n"})",
        {QStringLiteral("L|red plain end")});
    addCase("ANSI: sequences split across objects, OSC 8 hyperlink",
            R"({"stream":"a\u001b["}{"stream":"1;31mb \u001b]8;;http://x\u001b"})"
            R"({"stream":"\\link\u001b]8;;\u001b\\ c\n"})",
            {QStringLiteral("L|ab link c")});
    addCase("control characters dropped, tab kept",
            R"({"stream":"a\u0007b\u0000c\bd\u007fe\tf\n"})", {QStringLiteral("L|abcde\tf")});
    addCase("unterminated CSI ends at the newline", R"({"stream":"x\u001b[12\nnext\n"})",
            {QStringLiteral("L|x"), QStringLiteral("L|next")});

    // --- JSON details.
    addCase("unicode escapes, surrogates, raw UTF-8",
            R"({"stream":"caf\u00e9 \ud83d\ude00 \ud800x \udc00 \u20AC\/\"q\"\\ naïve\n"})",
            {QStringLiteral("L|caf\u00e9 \U0001F600 \uFFFDx \uFFFD \u20AC/\"q\"\\ na\u00efve")});
    addCase("unknown keys and nested values ignored",
            R"({"stream":"x\n","extra":{"a":[1,-2.5e3,{"b":null,"c":true}],"d":"e"},"id":"i"})"
            R"({"aux":{"Other":"v","ID":"sha256:abc"}})",
            {QStringLiteral("L|x")}, QStringLiteral("sha256:abc"));
    addCase("keys in other orders and with whitespace",
            "{ \"errorDetail\" : { \"message\" : \"m\" , \"code\" : 3 } ,\n"
            " \"error\" : \"The command 'x' returned a non-zero code: 3\" }",
            {QStringLiteral("E|The command 'x' returned a non-zero code: 3")}, {}, true, 3,
            QStringLiteral("Docker build failed: exit code 3"));

    // --- Malformed input: reported once, parsing goes on after the next newline.
    addCase("garbage between objects",
            "garbage line\n{\"stream\":\"ok\\n\"}\r\n<html>\n{\"stream\":\"still ok\\n\"}",
            {Malformed, QStringLiteral("L|ok"), QStringLiteral("L|still ok")});
    addCase("invalid JSON inside objects",
            "{\"stream\":\"a\\n\",}\n{\"stream\":tru}\n{\"stream\":\"b\\n\"}\n{\"x\":[1,}\n"
            "{\"stream\":\"c\\n\"}\n{\"stream\":\"\\q\"}\n{\"stream\":01}\n{\"stream\":\"d\\n\"}",
            {QStringLiteral("L|a"), Malformed, QStringLiteral("L|b"), QStringLiteral("L|c"),
             QStringLiteral("L|d")});
    addCase("top-level values that are not objects",
            "[{\"stream\":\"x\\n\"}]\n\"str\"\n42\n}\n{\"stream\":\"y\\n\"}",
            {Malformed, QStringLiteral("L|y")});
    addCase("nesting deeper than MaxDepth",
            "{\"a\":" + QByteArray(100, '[') + QByteArray(100, ']') + "}\n{\"stream\":\"z\\n\"}",
            {Malformed, QStringLiteral("L|z")});
    addCase("raw newline inside a string restarts right there",
            "{\"other\":\"abc\n{\"stream\":\"def\\n\"}", {Malformed, QStringLiteral("L|def")});
    addCase("stream cut inside an object", R"({"stream":"ok\n"}{"stream":"abc)",
            {QStringLiteral("L|ok"), QStringLiteral("L|abc"), Malformed});
    addCase("binary garbage", QByteArray("\x00\xff\xfe{\x01\"", 6) + "\n{\"stream\":\"w\\n\"}",
            {Malformed, QStringLiteral("L|w")});

    // --- Pull progress.
    addCase("pull status lines, progress bars dropped",
            R"({"status":"Pulling from library/alpine","id":"3.18"})"
            "\r\n"
            R"({"status":"Pulling fs layer","progressDetail":{},"id":"c926b61bad3b"})"
            "\r\n"
            R"({"status":"Downloading","progressDetail":{"current":1024,"total":3000000},)"
            R"("progress":"[>     ]  1.024kB/3MB","id":"c926b61bad3b"})"
            "\r\n"
            R"({"status":"Digest: sha256:abc"})",
            {QStringLiteral("L|3.18: Pulling from library/alpine"),
             QStringLiteral("L|c926b61bad3b: Pulling fs layer"),
             QStringLiteral("L|Digest: sha256:abc")});

    // A status or id with a newline gives one Log line per line, as the docker CLI prints it
    // (fuzzing finding build-status-newline, seed status-with-newline).
    addCase("pull status with a newline: two lines",
            "{\"status\":\"Downloading\\nnext\",\"id\":\"abc\"}\r\n",
            {QStringLiteral("L|abc: Downloading"), QStringLiteral("L|next")});
    addCase("pull status and id with newlines, CR and blank lines",
            "{\"status\":\"a\\n\\n  b\\r\\nc\\n\",\"id\":\"x\\ny\"}"
            "{\"status\":\"\\u001b[1mStep 1/2 : FROM y\\nz\"}",
            {QStringLiteral("L|x"), QStringLiteral("L|y: a"), QStringLiteral("L|  b"),
             QStringLiteral("L|c"), QStringLiteral("L1/2|Step 1/2 : FROM y"),
             QStringLiteral("L|z")});
    addCase("pull status of only newlines gives nothing",
            "{\"status\":\"\\n\\n\",\"id\":\"abc\"}{\"stream\":\"s\\n\"}", {QStringLiteral("L|s")});

    // Ids are kept up to 256 bytes of UTF-8 and cut at a character boundary (fuzzing finding
    // build-id-cap-utf8, seed status-id-cap-utf8): 85 whole euros are 255 bytes.
    const QByteArray euro("\xe2\x82\xac");
    const QString euros85 = QString(85, QChar(0x20AC));
    addCase("pull status id of 100 euros cut at a character boundary",
            "{\"status\":\"Downloading\",\"id\":\"" + euro.repeated(100) + "\"}\r\n",
            {QStringLiteral("L|") + euros85 + QStringLiteral(": Downloading")});
    addCase("pull status id of exactly 256 bytes kept whole",
            "{\"status\":\"s\",\"id\":\"" + euro.repeated(85) + "x\"}",
            {QStringLiteral("L|") + euros85 + QStringLiteral("x: s")});
    // Text after the cut character: a cap that cut back below 256 bytes and took bytes again
    // from the next feed() made this depend on the pieces (the fix undone in 0d27c26).
    addCase("pull status id cut inside a character, ASCII after it",
            "{\"status\":\"s\",\"id\":\"" + euro.repeated(86) + "abcdef\"}",
            {QStringLiteral("L|") + euros85 + QStringLiteral(": s")});
    // "a" and 64 emoji are 257 bytes: the cap falls inside the last one, written raw or as a
    // \u surrogate pair, and never leaves half of it.
    const QByteArray grin("\xf0\x9f\x98\x80");
    QString grins63 = QStringLiteral("a");
    for (int k = 0; k < 63; ++k)
        grins63 += QStringLiteral("\U0001F600");
    addCase("pull status id cut before a 4-byte character",
            "{\"status\":\"s\",\"id\":\"a" + grin.repeated(64) + "\"}",
            {QStringLiteral("L|") + grins63 + QStringLiteral(": s")});
    addCase("pull status id cut before a surrogate pair",
            "{\"status\":\"s\",\"id\":\"a" + QByteArray("\\ud83d\\ude00").repeated(64) + "\"}",
            {QStringLiteral("L|") + grins63 + QStringLiteral(": s")});
    // aux.ID has the same cap: "sha256:" and 124 two-byte characters are 255 bytes.
    addCase("aux ID cut at a character boundary",
            "{\"aux\":{\"ID\":\"sha256:" + QByteArray("\xc3\xa9").repeated(200) + "\"}}", {},
            QStringLiteral("sha256:") + QString(124, QChar(0xE9)));
    // "id: status" is a line like any other: at most MaxLineBytes bytes, cut at a character.
    addCase("pull status line longer than MaxLineBytes with its id",
            "{\"status\":\"" + euro.repeated(MaxLine / 3) + "\",\"id\":\"abc\"}",
            {QStringLiteral("L|abc: ") + QString((MaxLine - 5) / 3, QChar(0x20AC))});

    // --- Errors.
    addCase("errorDetail.code, partial line flushed before the error",
            R"({"stream":"Step 1/1 : RUN x"})"
            R"({"errorDetail":{"code":137,"message":"killed"},"error":"killed"})",
            {QStringLiteral("L1/1|Step 1/1 : RUN x"), QStringLiteral("E|killed")}, {}, true, 137,
            QStringLiteral("Docker build failed: exit code 137"));
    addCase("exit code parsed from the message",
            R"({"error":"The command '/bin/sh -c exit 2' returned a non-zero code: 2"})",
            {QStringLiteral("E|The command '/bin/sh -c exit 2' returned a non-zero code: 2")}, {},
            true, 2, QStringLiteral("Docker build failed: exit code 2"));
    addCase("error with ANSI codes", R"({"error":"\u001b[31mboom\u001b[0m\n"})",
            {QStringLiteral("E|boom")}, {}, true, -1, QStringLiteral("Docker build failed: boom"));
    addCase("errorDetail without error", R"({"errorDetail":{"message":"detail only"}})",
            {QStringLiteral("E|detail only")}, {}, true, -1,
            QStringLiteral("Docker build failed: detail only"));
    addCase("first error kept",
            R"({"error":"first"}{"error":"second","errorDetail":{"code":9,"message":"second"}})",
            {QStringLiteral("E|first"), QStringLiteral("E|second")}, {}, true, -1,
            QStringLiteral("Docker build failed: first"));
    addCase("empty error message", R"({"error":""})",
            {QStringLiteral("E|the engine reported an error without a message")}, {}, true, -1,
            QStringLiteral("Docker build failed: the engine reported an error without a message"));

    // --- Image id.
    addCase("no result at all", R"({"stream":"Step 1/2 : FROM x\n"})",
            {QStringLiteral("L1/2|Step 1/2 : FROM x")});
    addCase("Successfully built without aux", R"({"stream":"Successfully built 0123456789ab\n"})",
            {QStringLiteral("L|Successfully built 0123456789ab")}, QStringLiteral("0123456789ab"));
    addCase(
        "Successfully built printed by a failing build",
        R"({"stream":"Successfully built 0123456789ab\n"}{"error":"later failure"})",
        {QStringLiteral("L|Successfully built 0123456789ab"), QStringLiteral("E|later failure")},
        {}, true, -1, QStringLiteral("Docker build failed: later failure"));
    addCase("Step-like lines that are not steps", R"({"stream":"Step 3/2 : x\nStep a/b : y\n"})",
            {QStringLiteral("L|Step 3/2 : x"), QStringLiteral("L|Step a/b : y")});

    // --- Line cap.
    addCase("exactly MaxLineBytes is not cut", streamObject(QByteArray(MaxLine, 'z') + "\\n"),
            {QStringLiteral("L|") + QString(MaxLine, u'z')});
    addCase("one byte over MaxLineBytes is cut",
            streamObject(QByteArray(MaxLine + 1, 'z') + "\\nafter\\n"),
            {QStringLiteral("L|") + QString(MaxLine, u'z'), QStringLiteral("L|after")});
    const qsizetype tenMiB = 10 * 1024 * 1024;
    addCase("10 MB line in one object",
            streamObject(QByteArray(tenMiB, 'x') + "\\n") + streamObject("next\\n"),
            {QStringLiteral("L|") + QString(MaxLine, u'x'), QStringLiteral("L|next")});
    QByteArray manyObjects;
    for (qsizetype n = 0; n < tenMiB; n += 16 * 1024)
        manyObjects += streamObject(QByteArray(16 * 1024, 'y')) + "\r\n";
    manyObjects += streamObject("\\n") + streamObject("next\\n");
    addCase("10 MB line over 640 objects", manyObjects,
            {QStringLiteral("L|") + QString(MaxLine, u'y'), QStringLiteral("L|next")});
    // 3-byte characters: the cap falls inside one and the line ends at the character before.
    QByteArray euros;
    for (qsizetype n = 0; n < tenMiB; n += 3)
        euros += "\xe2\x82\xac";
    addCase("10 MB line of 3-byte characters cut at a character boundary",
            streamObject(euros + "\\n"),
            {QStringLiteral("L|") + QString(MaxLine / 3, QChar(0x20AC))});
}

void TestBuildOutputParser::parse() {
    QFETCH(QByteArray, input);
    QFETCH(int, chunk);
    QFETCH(QStringList, events);
    QFETCH(QString, imageId);
    QFETCH(bool, failed);
    QFETCH(int, exitCode);
    QFETCH(QString, failure);

    const Result r = parseChunked(input, chunk);
    if (r.events != events) { // print only the differing line: some are 64 KiB long
        for (qsizetype i = 0; i < std::max(r.events.size(), events.size()); ++i) {
            const QString got = r.events.value(i, QStringLiteral("<none>"));
            const QString want = events.value(i, QStringLiteral("<none>"));
            if (got != want)
                qWarning("event %lld: got %s\n want %s", qlonglong(i), qPrintable(got.left(200)),
                         qPrintable(want.left(200)));
        }
        QCOMPARE(r.events.size(), events.size());
        QFAIL("events differ");
    }
    QCOMPARE(r.imageId, imageId);
    QCOMPARE(r.failed, failed);
    QCOMPARE(r.exitCode, exitCode);
    QCOMPARE(r.failure, failure);
    // errorMessage() is the first error the engine reported.
    QString firstError;
    for (const QString &e : events) {
        if (e.startsWith(u'E') && e != Malformed) {
            firstError = e.mid(2);
            break;
        }
    }
    QCOMPARE(r.errorMessage, firstError);
}

void TestBuildOutputParser::randomSplitsGiveTheSameResult() {
    QList<QByteArray> inputs = {
        fixture(QStringLiteral("build-success-3steps.jsonl")),
        fixture(QStringLiteral("build-run-exit1.jsonl")),
        fixture(QStringLiteral("build-dockerfile-syntax-error.json")),
        fixture(QStringLiteral("build-from-missing-image.jsonl")),
        R"({"stream":"a\u001b[31mb\ud83d\ude00c\r\n"}garbage{"status":"s","id":"i"})"
        "\n"
        R"({"stream":"x"}{"errorDetail":{"code":2,"message":"m"},"error":"m"})",
    };
    QRandomGenerator rng(20250115);
    for (const QByteArray &input : inputs) {
        const Result whole = parseChunked(input, 0);
        for (int round = 0; round < 200; ++round) {
            QList<qsizetype> cuts;
            const int n = rng.bounded(1, 20);
            for (int k = 0; k < n; ++k)
                cuts << rng.bounded(qsizetype(input.size() + 1));
            std::sort(cuts.begin(), cuts.end());
            const Result r = parseSplit(input, cuts);
            QCOMPARE(r.events, whole.events);
            QCOMPARE(r.imageId, whole.imageId);
            QCOMPARE(r.failed, whole.failed);
            QCOMPARE(r.exitCode, whole.exitCode);
            QCOMPARE(r.errorMessage, whole.errorMessage);
        }
    }
}

void TestBuildOutputParser::cutsGiveTheSameResult_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("validUtf8"); // then no event may hold U+FFFD

    // The fuzz seeds of the two former known issues and of the first fix of the id cap, which
    // cut back to a character boundary in appendCapped and so depended on the pieces.
    QTest::newRow("seed status-with-newline") << fuzzSeed("status-with-newline") << true;
    QTest::newRow("seed status-id-cap-utf8") << fuzzSeed("status-id-cap-utf8") << true;
    QTest::newRow("seed regression-chunked-utf8-cap")
        << fuzzSeed("regression-chunked-utf8-cap") << false;
    const QByteArray euro("\xe2\x82\xac");
    QTest::newRow("id cut inside a character, ASCII after it")
        << "{\"status\":\"s\",\"id\":\"" + euro.repeated(86) + "abcdef\"}" << true;
    QTest::newRow("aux ID cut inside a character, ASCII after it")
        << "{\"aux\":{\"ID\":\"sha256:x" + euro.repeated(83) + "\xc3\xa9xyz\"}}" << true;
    QTest::newRow("id of surrogate pairs over the cap")
        << "{\"status\":\"s\",\"id\":\"ab" + QByteArray("\\ud83d\\ude00").repeated(70) + "\"}"
        << true;
    QTest::newRow("status and id with newlines")
        << QByteArray("{\"stream\":\"x\"}{\"status\":\"a\\nb\\r\\n\\nc\",\"id\":\"i\\nj\"}"
                      "{\"stream\":\"y\\n\"}")
        << true;
}

void TestBuildOutputParser::cutsGiveTheSameResult() {
    // The same bytes cut anywhere once, in pieces of 1 to 16 bytes, and at random places give
    // the same events and results as all at once; no Log line holds a newline or a control
    // character, and from valid UTF-8 nothing holds U+FFFD.
    QFETCH(QByteArray, input);
    QFETCH(bool, validUtf8);
    const Result whole = parseChunked(input, 0);
    QVERIFY(!whole.events.isEmpty() || !whole.imageId.isEmpty());
    for (const QString &e : whole.events) {
        if (validUtf8)
            QVERIFY2(!e.contains(QChar::ReplacementCharacter), qPrintable(e));
        if (!e.startsWith(u'L'))
            continue;
        for (const QChar c : e)
            QVERIFY2(c == u'\t' || (c.unicode() >= 0x20 && c.unicode() != 0x7f), qPrintable(e));
    }
    if (validUtf8)
        QVERIFY(!whole.imageId.contains(QChar::ReplacementCharacter));

    QList<QList<qsizetype>> splits;
    for (qsizetype cut = 1; cut < input.size(); ++cut)
        splits << QList<qsizetype>{cut};
    for (qsizetype chunk = 1; chunk <= 16; ++chunk) {
        QList<qsizetype> cuts;
        for (qsizetype pos = chunk; pos < input.size(); pos += chunk)
            cuts << pos;
        splits << cuts;
    }
    QRandomGenerator rng(20261128);
    for (int round = 0; round < 200; ++round) {
        QList<qsizetype> cuts;
        const int n = rng.bounded(1, 20);
        for (int k = 0; k < n; ++k)
            cuts << rng.bounded(qsizetype(input.size() + 1));
        std::sort(cuts.begin(), cuts.end());
        splits << cuts;
    }
    for (const QList<qsizetype> &cuts : std::as_const(splits)) {
        const Result r = parseSplit(input, cuts);
        QString where;
        for (qsizetype cut : cuts)
            where += QString::number(cut) + u' ';
        QVERIFY2(r.events == whole.events,
                 qPrintable(QStringLiteral("events differ, cuts ") + where));
        QVERIFY2(r.imageId == whole.imageId,
                 qPrintable(QStringLiteral("image differs, cuts ") + where));
        QVERIFY2(r.failed == whole.failed && r.exitCode == whole.exitCode &&
                     r.errorMessage == whole.errorMessage,
                 qPrintable(QStringLiteral("results differ, cuts ") + where));
    }
}

void TestBuildOutputParser::memoryStaysBoundedForHugeValues() {
    // 256 MiB of one stream value, of an ignored value and of garbage without a newline: the
    // parser must not hold them (its resident size may grow by a few MiB at most).
    const QByteArray mib(1024 * 1024, 'x');
    BuildOutputParser p;
    QList<BuildEvent> out;
    const qint64 before = residentKiB();
    QVERIFY(before > 0);
    p.feed("{\"stream\":\"", out);
    for (int i = 0; i < 256; ++i)
        p.feed(mib, out);
    const qint64 inStream = residentKiB();
    p.feed("\\n\"}{\"junk\":\"", out);
    for (int i = 0; i < 256; ++i)
        p.feed(mib, out);
    const qint64 inJunk = residentKiB();
    p.feed("\"}\n<garbage", out);
    for (int i = 0; i < 256; ++i)
        p.feed(mib, out);
    const qint64 inGarbage = residentKiB();
    p.feed("\n{\"stream\":\"end\\n\"}", out);
    p.finish(out);

    qInfo("resident KiB: before %lld, in stream %lld, in junk %lld, in garbage %lld",
          qlonglong(before), qlonglong(inStream), qlonglong(inJunk), qlonglong(inGarbage));
    QVERIFY(inStream - before < 16 * 1024);
    QVERIFY(inJunk - before < 16 * 1024);
    QVERIFY(inGarbage - before < 16 * 1024);
    QCOMPARE(out.size(), 3);
    QCOMPARE(out.at(0).line, QString(MaxLine, u'x'));
    QCOMPARE(render(out.at(1)), Malformed);
    QCOMPARE(out.at(2).line, QStringLiteral("end"));
}

void TestBuildOutputParser::feedAfterErrorAndFinishTwice() {
    BuildOutputParser p;
    QList<BuildEvent> out;
    p.feed(fixture(QStringLiteral("build-run-exit1.jsonl")), out);
    p.finish(out);
    p.finish(out); // nothing left: nothing happens
    const qsizetype n = out.size();
    QVERIFY(p.failed());
    // More output after the error (never sent by the engine) is still parsed, safely, but the
    // first error stays the build's.
    p.feed(R"({"stream":"later\n"}{"error":"other","errorDetail":{"code":5}})", out);
    p.finish(out);
    QCOMPARE(out.size(), n + 2);
    QCOMPARE(p.exitCode(), 1);
    QVERIFY(p.imageId().isEmpty());
    QCOMPARE(buildFailureMessage(p), QStringLiteral("Docker build failed: exit code 1"));
}

void TestBuildOutputParser::failureMessageWording() {
    // The wording is part of the deployment protocol (docs/DEPLOYMENTS.md, "Failures").
    BuildOutputParser fresh;
    QCOMPARE(buildFailureMessage(fresh), NoImage);
    BuildOutputParser run;
    QList<BuildEvent> out;
    run.feed(fixture(QStringLiteral("build-run-exit1.jsonl")), out);
    QCOMPARE(buildFailureMessage(run), QStringLiteral("Docker build failed: exit code 1"));
}

QTEST_GUILESS_MAIN(TestBuildOutputParser)
#include "tst_buildoutputparser.moc"
