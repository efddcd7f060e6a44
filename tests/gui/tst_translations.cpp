// SPDX-License-Identifier: GPL-3.0-or-later

// The German translation is built into the app and complete: every message of
// the English source has a German text, and the window speaks German with it.
#include "ConnectDialog.h"
#include "DesktopApp.h"
#include "MainWindow.h"
#include "ServerTexts.h"
#include "TestPaths.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QDomDocument>
#include <QFile>
#include <QMenuBar>
#include <QPushButton>
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

    // Qt's own words in dialogs ("Cancel") come from Qt's German translation, which the app
    // loads at start (Debian's qt6-translations-l10n, in the package list).
    void qtOwnWordsInGerman() {
        const QLocale before;
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QVERIFY2(mist::gui::installTranslations(*QCoreApplication::instance()),
                 "qtbase_de.qm not found (qt6-translations-l10n)");
        mist::gui::ConnectDialog dialog;
        auto *buttons = dialog.findChild<QDialogButtonBox *>(QStringLiteral("buttons"));
        QVERIFY(buttons);
        QCOMPARE(buttons->button(QDialogButtonBox::Cancel)->text(), QStringLiteral("Abbrechen"));
        for (QTranslator *t : QCoreApplication::instance()->findChildren<QTranslator *>())
            QCoreApplication::removeTranslator(t);
        QLocale::setDefault(before);
    }

    // Alt+<letter> reaches one thing: the tabs' and the menus' mnemonics differ, in English
    // and in German (Alt+F opened the Fleet tab instead of the File menu).
    void mnemonicsDoNotClash() {
        for (const bool german : {false, true}) {
            QTranslator translator;
            if (german) {
                QVERIFY(translator.load(QStringLiteral(":/i18n/mist-monitor_de.qm")));
                QCoreApplication::installTranslator(&translator);
            }
            mist::gui::MainWindow window;
            QStringList texts;
            for (int i = 0; i < window.tabs()->count(); ++i)
                texts << window.tabs()->tabText(i);
            for (QAction *menu : window.menuBar()->actions())
                texts << menu->text();
            QMap<QChar, QString> seen;
            for (const QString &text : std::as_const(texts)) {
                const qsizetype amp = text.indexOf(u'&');
                QVERIFY2(amp >= 0 && amp + 1 < text.size(), qPrintable(text));
                const QChar key = text.at(amp + 1).toLower();
                QVERIFY2(!seen.contains(key),
                         qPrintable(QStringLiteral("%1 and %2 (%3)")
                                        .arg(seen.value(key), text, german ? u"de" : u"en")));
                seen.insert(key, text);
            }
            if (german)
                QCoreApplication::removeTranslator(&translator);
        }
    }

    // The server's words the desktop shows: each is still sent by this server (a text that
    // changed on the server would silently stop being translated) and each reads German.
    void serverTextsTranslated() {
        QByteArray sources;
        QDirIterator it(mist::test::sourcePath(QStringLiteral("src/core")),
                        {QStringLiteral("*.cpp")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            sources += f.readAll();
        }
        QTranslator german;
        QVERIFY(german.load(QStringLiteral(":/i18n/mist-monitor_de.qm")));
        QCoreApplication::installTranslator(&german);
        const auto remove = qScopeGuard([&] { QCoreApplication::removeTranslator(&german); });
        const QList<QByteArray> texts = mist::gui::knownServerTexts();
        QVERIFY(texts.size() >= 10);
        for (const QByteArray &text : texts) {
            QVERIFY2(sources.contains("QStringLiteral(\"" + text + "\")"), text.constData());
            const QString shown = mist::gui::serverText(QString::fromLatin1(text));
            QVERIFY2(shown != QString::fromLatin1(text), text.constData());
        }
        QCOMPARE(mist::gui::serverText(QStringLiteral("Container not running")),
                 QStringLiteral("Container läuft nicht"));
        // A text it does not know comes through as it is.
        QCOMPARE(mist::gui::serverText(QStringLiteral("Docker build failed: exit code 1")),
                 QStringLiteral("Docker build failed: exit code 1"));
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
