// SPDX-License-Identifier: GPL-3.0-or-later

// Tests for mist::text::percentEncoded: names, tags and JSON filters put into the paths and
// queries of engine requests.

#include "text/UrlEncoding.h"

#include <QUrlQuery>
#include <QtTest>

using mist::text::percentEncoded;

class TestUrlEncoding : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void encode_data() {
        QTest::addColumn<QString>("part");
        QTest::addColumn<QString>("expected");
        auto row = [](const char *name, const QString &in, const char *out) {
            QTest::newRow(name) << in << QString::fromLatin1(out);
        };
        row("empty", QString(), "");
        row("unreserved kept", QStringLiteral("app-12_x.y~z"), "app-12_x.y~z");
        row("path separator", QStringLiteral("a/b"), "a%2Fb");
        row("query delimiters", QStringLiteral("a?b&c=d#e"), "a%3Fb%26c%3Dd%23e");
        row("plus and space", QStringLiteral("a+b c"), "a%2Bb%20c");
        row("percent itself", QStringLiteral("100%"), "100%25");
        row("already encoded is encoded again", QStringLiteral("%41"), "%2541");
        row("JSON filter", QStringLiteral("{\"name\":[\"^/app-[0-9]+$\"]}"),
            "%7B%22name%22%3A%5B%22%5E%2Fapp-%5B0-9%5D%2B%24%22%5D%7D");
        row("image tag", QStringLiteral("mist-app-3:deploy-7"), "mist-app-3%3Adeploy-7");
        row("UTF-8", QStringLiteral("caf\u00e9 \u20ac"), "caf%C3%A9%20%E2%82%AC");
        row("control characters and NUL", QString::fromUtf8("a\nb\0c", 5), "a%0Ab%00c");
        // Qt's UTF-8 encoder writes '?' for half a surrogate pair: still one harmless byte.
        row("lone surrogate", QString(QChar(0xd800)), "%3F");
    }
    void encode() {
        QFETCH(QString, part);
        QFETCH(QString, expected);
        QCOMPARE(percentEncoded(part), expected);
    }

    void roundTripsThroughAQuery() {
        // Whatever the value, it comes back whole as one query item.
        const QString hostile = QStringLiteral("a&b=c;d+e %zz/?#\u00e9") + QString(4096, u'&');
        QUrlQuery query(QStringLiteral("x=") + percentEncoded(hostile) + QStringLiteral("&y=1"));
        QCOMPARE(query.queryItems().size(), 2);
        QCOMPARE(query.queryItemValue(QStringLiteral("x"), QUrl::FullyDecoded), hostile);
    }
};

QTEST_MAIN(TestUrlEncoding)
#include "tst_urlencoding.moc"
