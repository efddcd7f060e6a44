// SPDX-License-Identifier: GPL-3.0-or-later

// The German translation is built into the app and complete: every message of
// the English source has a German text, and the window speaks German with it.
#include "MainWindow.h"
#include "TestPaths.h"

#include <QDomDocument>
#include <QFile>
#include <QTabWidget>
#include <QTest>
#include <QTranslator>

class TestTranslations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void germanIsBuiltInAndUsed() {
        QTranslator german;
        QVERIFY(german.load(QStringLiteral(":/i18n/mist-monitor_de.qm")));
        QCoreApplication::installTranslator(&german);
        mist::gui::MainWindow window;
        QCOMPARE(window.tabs()->tabText(0), QStringLiteral("&Messwerte"));
        QCOMPARE(window.tabs()->tabText(2), QStringLiteral("&Bereitstellungen"));
        QCoreApplication::removeTranslator(&german);
    }

    void germanIsComplete() {
        QFile ts(mist::test::sourcePath(QStringLiteral("translations/mist-monitor_de.ts")));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        QDomDocument doc;
        QVERIFY(doc.setContent(&ts));
        const QDomNodeList translations = doc.elementsByTagName(QStringLiteral("translation"));
        QVERIFY(translations.size() > 50);
        for (int i = 0; i < translations.size(); ++i) {
            const QDomElement t = translations.at(i).toElement();
            const QString source =
                t.parentNode().firstChildElement(QStringLiteral("source")).text();
            QVERIFY2(t.attribute(QStringLiteral("type")) != u"unfinished", qPrintable(source));
            QVERIFY2(!t.text().trimmed().isEmpty(), qPrintable(source));
        }
    }
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
