// SPDX-License-Identifier: GPL-3.0-or-later

#include "base/Expected.h"

#include <QtTest>

#include <memory>

using mist::Expected;
using mist::fail;

namespace {

Expected<int> parsePort(const QString &text) {
    bool ok = false;
    const int port = text.toInt(&ok);
    if (!ok)
        return fail(QStringLiteral("not a number: %1").arg(text));
    if (port < 1 || port > 65535)
        return fail("out of range");
    return port;
}

Expected<void> checkName(const QString &name) {
    if (name.isEmpty())
        return fail("empty name");
    return {};
}

struct Failure {
    int code = 1;
    QString message;
};

} // namespace

class TestExpected : public QObject {
    Q_OBJECT
private slots:
    void value_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("value");
        QTest::addColumn<QString>("error");
        QTest::newRow("port") << "8080" << true << 8080 << QString();
        QTest::newRow("lowest") << "1" << true << 1 << QString();
        QTest::newRow("zero") << "0" << false << 0 << "out of range";
        QTest::newRow("too big") << "65536" << false << 0 << "out of range";
        QTest::newRow("text") << "http" << false << 0 << "not a number: http";
        QTest::newRow("empty") << "" << false << 0 << "not a number: ";
    }
    void value() {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(int, value);
        QFETCH(QString, error);
        const Expected<int> r = parsePort(text);
        QCOMPARE(r.has_value(), ok);
        QCOMPARE(bool(r), ok);
        QCOMPARE(r.error(), error); // empty on success, never a throw
        QCOMPARE(r.value_or(-1), ok ? value : -1);
        if (ok) {
            QCOMPARE(*r, value);
            QCOMPARE(r.value(), value);
        } else {
            QVERIFY_THROWS_EXCEPTION(std::bad_variant_access, r.value());
        }
    }

    void voidResult_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("error");
        QTest::newRow("named") << "web" << QString();
        QTest::newRow("empty") << ""
                               << "empty name";
    }
    void voidResult() {
        QFETCH(QString, name);
        QFETCH(QString, error);
        const Expected<void> r = checkName(name);
        QCOMPARE(bool(r), error.isEmpty());
        QCOMPARE(r.error(), error);
    }

    // A string value and a string error stay apart: only fail() makes a failure.
    void sameTypes() {
        const Expected<QString> v(QStringLiteral("fine"));
        QVERIFY(v);
        QCOMPARE(*v, QStringLiteral("fine"));
        const Expected<QString> e = fail(QStringLiteral("fine"));
        QVERIFY(!e);
        QCOMPARE(e.error(), QStringLiteral("fine"));
    }

    void customError() {
        const Expected<int, Failure> r = fail(Failure{2, QStringLiteral("usage")});
        QVERIFY(!r);
        QCOMPARE(r.error().code, 2);
        QCOMPARE(r.error().message, QStringLiteral("usage"));
        const Expected<int, Failure> ok = 3;
        QCOMPARE(ok.error().code, 1); // a default Failure when there is none
    }

    void moveOnly() {
        Expected<std::unique_ptr<int>> r = std::make_unique<int>(7);
        QVERIFY(r);
        std::unique_ptr<int> taken = std::move(r).value();
        QCOMPARE(*taken, 7);
        Expected<std::unique_ptr<int>> e = fail("gone");
        QVERIFY(!e);
        QVERIFY(!e.error().isEmpty());
        QCOMPARE((*r).get(), nullptr);
    }
};

QTEST_APPLESS_MAIN(TestExpected)
#include "tst_expected.moc"
