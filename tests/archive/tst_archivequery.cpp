// SPDX-License-Identifier: GPL-3.0-or-later

// The search's query parameters, cursor and answer (pure): data rows with the
// API's exact error texts, hostile values included, and the retention
// options' parsers.

#include "archive/ArchiveQuery.h"

#include <QJsonDocument>
#include <QTest>

#include <re2/re2.h>

using namespace mist::archive;

class TestArchiveQuery : public QObject {
    Q_OBJECT
private slots:
    void query_data();
    void query();
    void defaults();
    void cursorRoundTrip_data();
    void cursorRoundTrip();
    void cursorHostile_data();
    void cursorHostile();
    void pattern_data();
    void pattern();
    void timestamps_data();
    void timestamps();
    void entries();
    void retentionSize_data();
    void retentionSize();
    void retentionDays_data();
    void retentionDays();
};

void TestArchiveQuery::query_data() {
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("error"); // empty: accepted
    const QString cursor = encodeCursor(Cursor{Order::Desc, OrderKey{5, 6, 7}});
    const QString ascCursor = encodeCursor(Cursor{Order::Asc, OrderKey{5, 6, 7}});
    QTest::newRow("nothing") << ""
                             << "";
    QTest::newRow("all")
        << "since=2025-01-15T10:30:01.5Z&until=2025-01-16T00:00:00Z&q=ERROR&stream=stderr&"
           "limit=10000&order=asc&cursor=" +
               ascCursor
        << "";
    QTest::newRow("since with offset") << "since=2025-01-15T10:30:01.123456789%2B02:00"
                                       << "";
    QTest::newRow("since empty") << "since="
                                 << "Invalid since";
    QTest::newRow("since date only") << "since=2025-01-15"
                                     << "Invalid since";
    QTest::newRow("since seconds") << "since=1736937001"
                                   << "Invalid since";
    QTest::newRow("since month 13") << "since=2025-13-15T10:30:01Z"
                                    << "Invalid since";
    QTest::newRow("since 1969") << "since=1969-12-31T23:59:59Z"
                                << "Invalid since";
    QTest::newRow("since after 2262") << "since=2263-01-01T00:00:00Z"
                                      << "Invalid since";
    QTest::newRow("since twice") << "since=2025-01-15T10:30:01Z&since=2025-01-15T10:30:01Z"
                                 << "Invalid since";
    QTest::newRow("since huge") << "since=" + QString(100000, u'9') << "Invalid since";
    QTest::newRow("since nul") << "since=2025-01-15T10:30:01Z%00"
                               << "Invalid since";
    QTest::newRow("until junk") << "until=yesterday"
                                << "Invalid until";
    QTest::newRow("until before since") << "since=2025-01-15T10:30:02Z&until=2025-01-15T10:30:01Z"
                                        << "Invalid until";
    QTest::newRow("until equals since") << "since=2025-01-15T10:30:01Z&until=2025-01-15T10:30:01Z"
                                        << "";
    QTest::newRow("q bad") << "q=("
                           << "Invalid q";
    QTest::newRow("q backreference") << "q=(a)%5C1"
                                     << "Invalid q";
    QTest::newRow("q lookahead") << "q=a(%3F=b)"
                                 << "Invalid q";
    QTest::newRow("q too long") << "q=" + QString(1025, u'a') << "Invalid q";
    QTest::newRow("q 1024 bytes") << "q=" + QString(1024, u'a') << "";
    QTest::newRow("q twice") << "q=a&q=b"
                             << "Invalid q";
    QTest::newRow("q huge repetition") << "q=a%7B1000%7D%7B1000%7D"
                                       << "Invalid q";
    QTest::newRow("stream stdin") << "stream=stdin"
                                  << "Invalid stream";
    QTest::newRow("stream upper") << "stream=STDOUT"
                                  << "Invalid stream";
    QTest::newRow("stream empty") << "stream="
                                  << "Invalid stream";
    QTest::newRow("limit 0") << "limit=0"
                             << "Invalid limit";
    QTest::newRow("limit 1") << "limit=1"
                             << "";
    QTest::newRow("limit 10001") << "limit=10001"
                                 << "Invalid limit";
    QTest::newRow("limit negative") << "limit=-5"
                                    << "Invalid limit";
    QTest::newRow("limit plus") << "limit=%2B5"
                                << "Invalid limit";
    QTest::newRow("limit leading zero") << "limit=05"
                                        << "Invalid limit";
    QTest::newRow("limit float") << "limit=1e3"
                                 << "Invalid limit";
    QTest::newRow("limit overflow") << "limit=99999999999999999999"
                                    << "Invalid limit";
    QTest::newRow("limit space") << "limit=%2010"
                                 << "Invalid limit";
    QTest::newRow("limit empty") << "limit="
                                 << "Invalid limit";
    QTest::newRow("limit arabic digits") << "limit=%D9%A1"
                                         << "Invalid limit";
    QTest::newRow("order sideways") << "order=sideways"
                                    << "Invalid order";
    QTest::newRow("order upper") << "order=DESC"
                                 << "Invalid order";
    QTest::newRow("cursor") << "cursor=" + cursor << "";
    QTest::newRow("cursor of the other order") << "cursor=" + cursor + "&order=asc"
                                               << "Invalid cursor";
    QTest::newRow("cursor garbage") << "cursor=abc"
                                    << "Invalid cursor";
    QTest::newRow("cursor empty") << "cursor="
                                  << "Invalid cursor";
    QTest::newRow("cursor twice") << "cursor=" + cursor + "&cursor=" + cursor << "Invalid cursor";
    // The first error wins, in the documented order.
    QTest::newRow("since and limit bad") << "limit=0&since=x"
                                         << "Invalid since";
    QTest::newRow("limit and cursor bad") << "cursor=x&limit=x"
                                          << "Invalid limit";
}

void TestArchiveQuery::query() {
    QFETCH(QString, query);
    QFETCH(QString, error);
    const auto q = parseSearchQuery(3, QUrlQuery(query));
    if (error.isEmpty()) {
        QVERIFY2(q, qPrintable(q.error()));
        QCOMPARE(q->appId, 3);
    } else {
        QVERIFY(!q);
        QCOMPARE(q.error(), error);
    }
}

void TestArchiveQuery::defaults() {
    const auto q = parseSearchQuery(1, QUrlQuery());
    QVERIFY(q);
    QCOMPARE(q->limit, 1000);
    QCOMPARE(q->order, Order::Desc);
    QVERIFY(!q->since && !q->until && !q->stream && !q->cursor && !q->regex);
    const auto all =
        parseSearchQuery(1, QUrlQuery(QStringLiteral(
                                "since=2025-01-15T10:30:01.5Z&until=2025-01-15T10:30:01.500000001Z&"
                                "q=ERR.R&stream=stderr&limit=7&order=asc")));
    QVERIFY2(all, qPrintable(all.error()));
    QCOMPARE(*all->since, 1736937001500000000LL);
    QCOMPARE(*all->until, 1736937001500000001LL);
    QCOMPARE(all->pattern, QStringLiteral("ERR.R"));
    QVERIFY(all->regex && re2::RE2::PartialMatch("xERROR", *all->regex));
    QCOMPARE(*all->stream, Stream::Stderr);
    QCOMPARE(all->limit, 7);
    QCOMPARE(all->order, Order::Asc);
    // An empty q asks for everything.
    const auto empty = parseSearchQuery(1, QUrlQuery(QStringLiteral("q=")));
    QVERIFY(empty && !empty->regex);
}

void TestArchiveQuery::cursorRoundTrip_data() {
    QTest::addColumn<int>("order");
    QTest::addColumn<qint64>("ts");
    QTest::addColumn<quint64>("seq");
    QTest::addColumn<qint64>("index");
    QTest::newRow("plain") << 0 << 1736937001123456789LL << quint64(42) << qint64(3);
    QTest::newRow("asc") << 1 << qint64(0) << quint64(1) << qint64(0);
    QTest::newRow("extremes") << 0 << std::numeric_limits<qint64>::max() << ~quint64(0)
                              << std::numeric_limits<qint64>::max();
    QTest::newRow("negative") << 1 << qint64(-1) << quint64(0) << qint64(-1);
}

void TestArchiveQuery::cursorRoundTrip() {
    QFETCH(int, order);
    QFETCH(qint64, ts);
    QFETCH(quint64, seq);
    QFETCH(qint64, index);
    const Cursor c{Order(order), OrderKey{ts, seq, index}};
    const QString text = encodeCursor(c);
    QCOMPARE(text.size(), 40);
    const auto back = decodeCursor(text, Order(order));
    QVERIFY(back);
    QVERIFY(back->after == c.after);
    QVERIFY(!decodeCursor(text, Order(1 - order)));
}

void TestArchiveQuery::cursorHostile_data() {
    QTest::addColumn<QString>("text");
    const QString good = encodeCursor(Cursor{Order::Desc, OrderKey{5, 6, 7}});
    QTest::newRow("empty") << QString();
    QTest::newRow("short") << good.left(39);
    QTest::newRow("long") << good + u'A';
    QTest::newRow("padding") << good.left(38) + QStringLiteral("==");
    QTest::newRow("plus and slash") << QString(good).replace(0, 2, QStringLiteral("+/"));
    QTest::newRow("non-ascii") << QString(good).replace(0, 1, QStringLiteral("é"));
    QTest::newRow("spaces") << QString(40, u' ');
    QTest::newRow("all A") << QString(40, u'A');
    for (int i = 0; i < 40; i += 7) {
        QString flipped = good;
        flipped[i] = flipped[i] == u'B' ? u'C' : u'B';
        QTest::newRow(qPrintable(QStringLiteral("flipped %1").arg(i))) << flipped;
    }
    QByteArray other(30, '\0');
    other[0] = 2; // a version this server does not know, with a right checksum
    const quint32 crc = crc32Of(QByteArrayView(other).first(26));
    for (int i = 0; i < 4; ++i)
        other[26 + i] = char((crc >> (8 * i)) & 0xff);
    QTest::newRow("version 2") << QString::fromLatin1(
        other.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

void TestArchiveQuery::cursorHostile() {
    QFETCH(QString, text);
    QVERIFY(!decodeCursor(text, Order::Desc));
    QVERIFY(!decodeCursor(text, Order::Asc));
}

void TestArchiveQuery::pattern_data() {
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("line");
    QTest::addColumn<bool>("matches");
    QTest::newRow("literal") << "KeyError"
                             << "ERROR unhandled exception: KeyError" << true;
    QTest::newRow("case") << "(?i)panic"
                          << "PANIC: boom" << true;
    QTest::newRow("anchors") << "^FATAL"
                             << "x FATAL" << false;
    QTest::newRow("utf-8 class") << "Gr.ße"
                                 << "Grüße" << true;
    QTest::newRow("catastrophic for backtracking") << "(a+)+$" << QString(1 << 16, u'a') << true;
}

void TestArchiveQuery::pattern() {
    QFETCH(QString, pattern);
    QFETCH(QString, line);
    QFETCH(bool, matches);
    const auto re = compilePattern(pattern);
    QVERIFY2(re, qPrintable(re.error()));
    const QByteArray utf8 = line.toUtf8();
    QCOMPARE(re2::RE2::PartialMatch(re2::StringPiece(utf8.constData(), size_t(utf8.size())), **re),
             matches);
}

void TestArchiveQuery::timestamps_data() {
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<QString>("text");
    QTest::newRow("epoch") << qint64(0) << "1970-01-01T00:00:00.000000000Z";
    QTest::newRow("nanos") << 1736937001123456789LL << "2025-01-15T10:30:01.123456789Z";
    QTest::newRow("whole") << 1736937001000000000LL << "2025-01-15T10:30:01.000000000Z";
    QTest::newRow("before epoch") << qint64(-1) << "1969-12-31T23:59:59.999999999Z";
}

void TestArchiveQuery::timestamps() {
    QFETCH(qint64, ns);
    QFETCH(QString, text);
    QCOMPARE(formatTimestampNs(ns), text);
    if (ns >= 0)
        QCOMPARE(parseSince(text).value(), std::optional<qint64>(ns));
}

void TestArchiveQuery::entries() {
    ArchiveEntry line;
    line.record =
        Record::line(1736937001123456789LL, Stream::Stderr, QStringLiteral("boom \"x\""), true);
    line.container = ContainerRef{QStringLiteral("abc"), QStringLiteral("app-3")};
    line.deploymentId = 12;
    ArchiveEntry event;
    event.record =
        Record::makeEvent(1736937002000000000LL, EventKind::Died, QStringLiteral("exited"), 137);
    event.container = line.container;
    ArchiveEntry replaced;
    replaced.record = Record::makeEvent(1736937003000000000LL, EventKind::Replaced,
                                        QStringLiteral("r"), std::nullopt, 13);
    replaced.container = line.container;
    replaced.deploymentId = 12;
    SearchResult r;
    r.entries = {line, event, replaced};
    r.next = QStringLiteral("CUR");
    const QByteArray json = QJsonDocument(searchResultJson(r)).toJson(QJsonDocument::Compact);
    QCOMPARE(json, QByteArray("{\"entries\":["
                              "{\"container\":\"app-3\",\"containerId\":\"abc\",\"deploymentId\":"
                              "12,\"kind\":\"log\",\"line\":\"boom "
                              "\\\"x\\\"\",\"stream\":\"stderr\",\"truncated\":true,\"ts\":\"2025-"
                              "01-15T10:30:01.123456789Z\"},"
                              "{\"container\":\"app-3\",\"containerId\":\"abc\",\"deploymentId\":"
                              "null,\"event\":\"died\",\"exitCode\":137,\"kind\":\"event\","
                              "\"line\":\"exited\",\"ts\":\"2025-01-15T10:30:02.000000000Z\"},"
                              "{\"container\":\"app-3\",\"containerId\":\"abc\",\"deploymentId\":"
                              "12,\"event\":\"replaced\",\"kind\":\"event\",\"line\":\"r\","
                              "\"newDeploymentId\":13,\"ts\":\"2025-01-15T10:30:03.000000000Z\"}],"
                              "\"next\":\"CUR\"}"));
    SearchResult last;
    QCOMPARE(QJsonDocument(searchResultJson(last)).toJson(QJsonDocument::Compact),
             QByteArray("{\"entries\":[],\"next\":null}"));
}

void TestArchiveQuery::retentionSize_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("bytes"); // -1: refused
    QTest::newRow("default") << "1G" << (1LL << 30);
    QTest::newRow("lower g") << "2g" << (2LL << 30);
    QTest::newRow("M") << "10M" << (10LL << 20);
    QTest::newRow("K") << "2048K" << (2LL << 20);
    QTest::newRow("bytes") << "1048576" << (1LL << 20);
    QTest::newRow("off") << "0" << qint64(0);
    QTest::newRow("0G is off") << "0G" << qint64(0);
    QTest::newRow("below 1 MiB") << "1023K" << qint64(-1);
    QTest::newRow("1 PiB") << "1048576G" << (1LL << 50);
    QTest::newRow("above 1 PiB") << "1048577G" << qint64(-1);
    QTest::newRow("overflow") << "99999999999999999999G" << qint64(-1);
    QTest::newRow("empty") << "" << qint64(-1);
    QTest::newRow("suffix only") << "G" << qint64(-1);
    QTest::newRow("negative") << "-1G" << qint64(-1);
    QTest::newRow("decimal") << "1.5G" << qint64(-1);
    QTest::newRow("space") << "1 G" << qint64(-1);
    QTest::newRow("GB") << "1GB" << qint64(-1);
    QTest::newRow("T") << "1T" << qint64(-1);
    QTest::newRow("hex") << "0x100000" << qint64(-1);
}

void TestArchiveQuery::retentionSize() {
    QFETCH(QString, text);
    QFETCH(qint64, bytes);
    const auto v = parseRetentionSize(text);
    if (bytes < 0)
        QVERIFY(!v);
    else
        QCOMPARE(v, std::optional<qint64>(bytes));
}

void TestArchiveQuery::retentionDays_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("days"); // -1: refused
    QTest::newRow("default") << "30" << 30;
    QTest::newRow("off") << "0" << 0;
    QTest::newRow("100 years") << "36500" << 36500;
    QTest::newRow("more") << "36501" << -1;
    QTest::newRow("negative") << "-1" << -1;
    QTest::newRow("empty") << "" << -1;
    QTest::newRow("unit") << "30d" << -1;
    QTest::newRow("long") << "000000030" << -1;
}

void TestArchiveQuery::retentionDays() {
    QFETCH(QString, text);
    QFETCH(int, days);
    const auto v = parseRetentionDays(text);
    if (days < 0)
        QVERIFY(!v);
    else
        QCOMPARE(v, std::optional<int>(days));
}

QTEST_APPLESS_MAIN(TestArchiveQuery)
#include "tst_archivequery.moc"
