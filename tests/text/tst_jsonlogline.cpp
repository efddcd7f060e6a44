// SPDX-License-Identifier: GPL-3.0-or-later

// Structured (JSON) log lines read for reading: level, message, then the other fields in the
// line's order; data rows for the common loggers' shapes, lines that are not JSON objects, and
// hostile input.
#include "text/JsonLogLine.h"

#include <QTest>

using namespace mist::text;

class TestJsonLogLine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shown_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("shown"); // empty: not a JSON log line
        QTest::newRow("zap") << "{\"level\":\"error\",\"ts\":1700000000.5,\"msg\":\"connection "
                                "refused\",\"host\":\"db\",\"port\":5432}"
                             << "ERROR  connection refused  ts=1700000000.5 host=db port=5432";
        QTest::newRow("logrus")
            << "{\"level\":\"info\",\"msg\":\"started\",\"time\":\"2025-01-15T10:30:01Z\"}"
            << "INFO  started  time=2025-01-15T10:30:01Z";
        QTest::newRow("pino numeric") << "{\"level\":50,\"time\":1,\"pid\":7,\"msg\":\"boom\"}"
                                      << "ERROR  boom  time=1 pid=7";
        QTest::newRow("pino 30") << "{\"level\":30,\"msg\":\"ok\"}"
                                 << "INFO  ok";
        QTest::newRow("slog")
            << "{\"time\":\"t\",\"level\":\"WARN\",\"msg\":\"slow\",\"ms\":1200.5}"
            << "WARN  slow  time=t ms=1200.5";
        QTest::newRow("severity and message") << "{\"severity\":\"DEBUG\",\"message\":\"x\"}"
                                              << "DEBUG  x";
        QTest::newRow("no level") << "{\"msg\":\"just text\",\"k\":\"v\"}"
                                  << "just text  k=v";
        QTest::newRow("no message") << "{\"level\":\"info\",\"a\":1}"
                                    << "INFO  a=1";
        QTest::newRow("only fields") << "{\"a\":1,\"b\":\"two words\"}"
                                     << "a=1 b=\"two words\"";
        QTest::newRow("empty string quoted") << "{\"msg\":\"m\",\"e\":\"\"}"
                                             << "m  e=\"\"";
        QTest::newRow("nested")
            << "{\"msg\":\"m\",\"req\":{\"id\":3,\"path\":\"/x\"},\"tags\":[1,\"a\"]}"
            << "m  req={\"id\":3,\"path\":\"/x\"} tags=[1,\"a\"]";
        QTest::newRow("bool null") << "{\"msg\":\"m\",\"ok\":true,\"err\":null}"
                                   << "m  ok=true err=null";
        QTest::newRow("order kept, not sorted") << "{\"z\":1,\"a\":2,\"msg\":\"m\"}"
                                                << "m  z=1 a=2";
        QTest::newRow("escaped key") << "{\"msg\":\"m\",\"a\\\"b\":1}"
                                     << "m  a\"b=1";
        QTest::newRow("key in a nested object is not top level")
            << "{\"msg\":\"m\",\"o\":{\"level\":\"x\"},\"level\":\"warn\"}"
            << "WARN  m  o={\"level\":\"x\"}";
        QTest::newRow("level not a string") << "{\"level\":true,\"msg\":\"m\"}"
                                            << "m  level=true";
        QTest::newRow("blanks around") << "  {\"msg\":\"m\"}  "
                                       << "m";
        QTest::newRow("empty object") << "{}"
                                      << "";
        QTest::newRow("plain text") << "ERROR something"
                                    << "";
        QTest::newRow("array") << "[1,2]"
                               << "";
        // (No raw string here: moc trips over an unbalanced brace in one.)
        QTest::newRow("broken JSON") << QStringLiteral("\x7b\"msg\":\"m\"") << "";
        QTest::newRow("braces in text") << "{not json}"
                                        << "";
        QTest::newRow("two objects") << "{\"a\":1}{\"b\":2}"
                                     << "";
        QTest::newRow("unicode") << "{\"msg\":\"Ärger ✗\",\"ünï\":\"ß\"}"
                                 << "Ärger ✗  ünï=ß";
    }
    void shown() {
        QFETCH(QString, line);
        QFETCH(QString, shown);
        const auto parsed = parseJsonLogLine(line);
        if (shown.isEmpty() && line.trimmed() != u"{}") {
            QVERIFY2(!parsed, qPrintable(parsed ? parsed->shown() : QString()));
            return;
        }
        QVERIFY(parsed);
        QCOMPARE(parsed->shown(), shown);
        QVERIFY(parsed->pretty.startsWith(u'{'));
    }

    // More fields than MaxJsonLogFields: the first ones and "…"; a line over MaxJsonLogBytes
    // is not read as JSON at all.
    void bounded() {
        QString line = QStringLiteral("{\"msg\":\"m\"");
        for (int i = 0; i < 4000; ++i) // near the 64 KiB bound: cheap, only the first keys read
            line += QStringLiteral(",\"k%1\":%1").arg(i);
        line += u'}';
        const auto parsed = parseJsonLogLine(line);
        QVERIFY(parsed);
        QCOMPARE(parsed->fields.size(), MaxJsonLogFields);
        QVERIFY(parsed->moreFields);
        QVERIFY(parsed->shown().endsWith(QStringLiteral("k63=63 …")));
        const QString huge = QStringLiteral("{\"msg\":\"") + QString(int(MaxJsonLogBytes), u'x') +
                             QStringLiteral("\"}");
        QVERIFY(!parseJsonLogLine(huge));
        // Deep nesting is refused by the JSON parser, not a crash.
        QVERIFY(!parseJsonLogLine(QString(10000, u'{') + QString(10000, u'}')));
    }
};

QTEST_MAIN(TestJsonLogLine)
#include "tst_jsonlogline.moc"
