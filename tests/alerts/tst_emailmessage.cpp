// SPDX-License-Identifier: GPL-3.0-or-later

// The alert e-mail as bytes (alerts::emailMessage): CRLF lines no longer
// than SMTP allows, no line starting with a dot, a subject that decodes back
// to the title, control characters kept out of every header, the body in
// base64 of UTF-8.

#include "alerts/AlertFormats.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace mist;

namespace {

QByteArray payload(const QString &title, const QString &message) {
    return alerts::webhookBody({{QStringLiteral("id"), 7},
                                {QStringLiteral("ruleId"), 3},
                                {QStringLiteral("state"), QStringLiteral("firing")},
                                {QStringLiteral("severity"), QStringLiteral("critical")},
                                {QStringLiteral("title"), title},
                                {QStringLiteral("message"), message},
                                {QStringLiteral("appId"), 12},
                                {QStringLiteral("since"), QStringLiteral("2026-12-06T10:00:00Z")}},
                               QStringLiteral("web-1"));
}

struct Parsed {
    QMap<QByteArray, QByteArray> headers; // unfolded
    QByteArray body;
};

Parsed parse(const QByteArray &m) {
    Parsed p;
    const qsizetype end = m.indexOf("\r\n\r\n");
    const QByteArray head = m.left(end);
    QByteArray last;
    for (const QByteArray &line : head.split('\n')) {
        const QByteArray l = line.chopped(1); // the \r
        if (l.startsWith(' ')) {
            p.headers[last] += l.mid(1);
            continue;
        }
        const qsizetype colon = l.indexOf(':');
        last = l.left(colon);
        p.headers[last] = l.mid(colon + 2);
    }
    p.body = QByteArray::fromBase64(m.mid(end + 4).replace("\r\n", ""));
    return p;
}

// Decodes "=?UTF-8?B?...?=" words (the only ones emailMessage writes).
QString decodeWords(const QByteArray &v) {
    if (!v.startsWith("=?"))
        return QString::fromLatin1(v);
    QByteArray bytes;
    static const QRegularExpression word(QStringLiteral("=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]*)\\?="));
    auto it = word.globalMatch(QString::fromLatin1(v));
    while (it.hasNext())
        bytes += QByteArray::fromBase64(it.next().captured(1).toLatin1());
    return QString::fromUtf8(bytes);
}

} // namespace

class TestEmailMessage : public QObject {
    Q_OBJECT
private slots:
    void message_data();
    void message();
};

void TestEmailMessage::message_data() {
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("subject"); // what the subject decodes to
    QTest::newRow("ascii") << QStringLiteral("cpu high") << QStringLiteral("[FIRING] cpu high");
    QTest::newRow("umlauts") << QStringLiteral("Speicher über 90 %")
                             << QStringLiteral("[FIRING] Speicher über 90 %");
    QTest::newRow("emoji pairs") << QString(40, QChar(0x00e9)) + QStringLiteral("🔥🔥🔥")
                                 << QStringLiteral("[FIRING] ") + QString(40, QChar(0x00e9)) +
                                        QStringLiteral("🔥🔥🔥");
    QTest::newRow("header injection") << QStringLiteral("x\r\nBcc: victim@example.com\r\n\r\nbody")
                                      << QStringLiteral("[FIRING] xBcc: victim@example.combody");
    QTest::newRow("long ascii") << QString(2000, u'a')
                                << QStringLiteral("[FIRING] ") + QString(2000, u'a');
    QTest::newRow("empty") << QString() << QStringLiteral("[FIRING] ");
}

void TestEmailMessage::message() {
    QFETCH(QString, title);
    QFETCH(QString, subject);
    const QString text = QStringLiteral(".leading dot\r\n.and another, ünïcode");
    const QByteArray m = alerts::emailMessage(
        QStringLiteral("mist@example.com"),
        {QStringLiteral("a@example.com"), QStringLiteral("b@example.com")}, payload(title, text),
        QDateTime(QDate(2026, 12, 6), QTime(9, 5, 3), Qt::UTC));
    // Every line ends in CRLF, none is longer than 78 + CRLF, none starts with a dot.
    QVERIFY(m.endsWith("\r\n"));
    for (const QByteArray &line : m.split('\n').mid(0, m.count('\n'))) {
        QVERIFY2(line.endsWith('\r'), line.constData());
        QVERIFY2(line.size() <= 79, line.constData());
        QVERIFY2(!line.startsWith('.'), line.constData());
        QVERIFY(!line.chopped(1).contains('\r'));
    }
    const Parsed p = parse(m);
    QCOMPARE(p.headers.value("From"), QByteArray("<mist@example.com>"));
    QCOMPARE(p.headers.value("To"), QByteArray("<a@example.com>, <b@example.com>"));
    QCOMPARE(p.headers.value("Date"), QByteArray("Sun, 06 Dec 2026 09:05:03 +0000"));
    QCOMPARE(p.headers.value("Content-Type"), QByteArray("text/plain; charset=UTF-8"));
    QVERIFY(!p.headers.contains("Bcc"));
    QVERIFY(p.headers.value("Message-ID").endsWith("@mist-monitor>"));
    QCOMPARE(decodeWords(p.headers.value("Subject")), subject);
    const QString body = QString::fromUtf8(p.body);
    QVERIFY2(body.contains(text), qPrintable(body));
    QVERIFY(body.contains(QStringLiteral("\r\nSeverity: critical\r\n")));
    QVERIFY(body.contains(QStringLiteral("\r\nHost: web-1\r\n")));
    QVERIFY(body.contains(QStringLiteral("\r\nApp: 12\r\n")));
}

QTEST_MAIN(TestEmailMessage)
#include "tst_emailmessage.moc"
