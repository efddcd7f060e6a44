// SPDX-License-Identifier: GPL-3.0-or-later

// Container states at a glance: each state class has its own colour and its own shape (so
// that colour alone never carries it), and the icon is drawn as described.
#include "StateBadge.h"

#include <QImage>
#include <QSet>
#include <QTest>

using mist::gui::StateShape;

Q_DECLARE_METATYPE(StateShape)

class TestStateBadge : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void badges_data() {
        QTest::addColumn<QString>("state");
        QTest::addColumn<StateShape>("shape");
        QTest::addColumn<QColor>("color");
        const QColor green(0x2e, 0x7d, 0x32), amber(0xef, 0x8f, 0x00), red(0xd3, 0x2f, 0x2f),
            grey(0x75, 0x75, 0x75), blue(0x15, 0x65, 0xc0), light(0x9e, 0x9e, 0x9e);
        QTest::newRow("running") << "running" << StateShape::Disc << green;
        QTest::newRow("restarting") << "restarting" << StateShape::Diamond << amber;
        QTest::newRow("paused") << "paused" << StateShape::Bars << grey;
        QTest::newRow("created") << "created" << StateShape::Ring << blue;
        QTest::newRow("exited") << "exited" << StateShape::Square << red;
        QTest::newRow("dead") << "dead" << StateShape::Square << red;
        QTest::newRow("removing") << "removing" << StateShape::Square << red;
        QTest::newRow("no container") << "" << StateShape::Hollow << light;
        QTest::newRow("unknown word") << "sleeping" << StateShape::Hollow << light;
        QTest::newRow("case matters") << "Running" << StateShape::Hollow << light;
        QTest::newRow("hostile") << QString(100000, u'x') << StateShape::Hollow << light;
    }
    void badges() {
        QFETCH(QString, state);
        QFETCH(StateShape, shape);
        QFETCH(QColor, color);
        const mist::gui::StateBadge badge = mist::gui::stateBadge(state);
        QCOMPARE(badge.shape, shape);
        QCOMPARE(badge.color, color);
    }

    // Every class differs from every other in shape, and the ones that mean trouble also in
    // colour.
    void shapesDistinct() {
        QSet<int> shapes;
        for (const char *s : {"running", "restarting", "paused", "created", "exited", ""})
            shapes.insert(int(mist::gui::stateBadge(QString::fromLatin1(s)).shape));
        QCOMPARE(shapes.size(), 6);
    }

    // The icon is drawn: a running badge is green in its middle, an exited one red, a hollow
    // ring empty in its middle; different states give different pictures.
    void iconsDrawn() {
        const auto image = [](const char *state) {
            return mist::gui::stateIcon(QString::fromLatin1(state), 12)
                .pixmap(12, 12)
                .toImage()
                .convertToFormat(QImage::Format_ARGB32);
        };
        QCOMPARE(QColor(image("running").pixel(6, 6)).rgb(), QColor(0x2e, 0x7d, 0x32).rgb());
        QCOMPARE(QColor(image("exited").pixel(6, 6)).rgb(), QColor(0xd3, 0x2f, 0x2f).rgb());
        QCOMPARE(qAlpha(image("").pixel(6, 6)), 0);
        QVERIFY(image("running") != image("restarting"));
        QVERIFY(image("restarting") != image("exited"));
        QVERIFY(image("paused") != image("created"));
        // Cached: the same icon each time.
        QCOMPARE(mist::gui::stateIcon(QStringLiteral("running")).cacheKey(),
                 mist::gui::stateIcon(QStringLiteral("running")).cacheKey());
    }
};

QTEST_MAIN(TestStateBadge)
#include "tst_statebadge.moc"
