// SPDX-License-Identifier: GPL-3.0-or-later

// The window on a small screen (1024x600, e.g. a netbook or a VM's console), in English and
// in German: it fits, and the log toolbar keeps every control in view (nothing pushed into the
// toolbar's "››" overflow) with search and filter fields wide enough to read what is typed.
#include "LogView.h"
#include "MainWindow.h"

#include <QLineEdit>
#include <QMenu>
#include <QTabWidget>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QTranslator>

class TestSmallScreen : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fits_data() {
        QTest::addColumn<bool>("german");
        QTest::addColumn<QSize>("screen");
        QTest::newRow("en 1024x600") << false << QSize(1024, 600);
        QTest::newRow("de 1024x600") << true << QSize(1024, 600);
        QTest::newRow("en 1600x1000") << false << QSize(1600, 1000);
        QTest::newRow("de 1600x1000") << true << QSize(1600, 1000);
    }
    void fits() {
        QFETCH(bool, german);
        QFETCH(QSize, screen);
        QTranslator translator;
        if (german) {
            QVERIFY(translator.load(QStringLiteral(":/i18n/mist-monitor_de.qm")));
            QCoreApplication::installTranslator(&translator);
        }
        const auto remove = qScopeGuard([&] { QCoreApplication::removeTranslator(&translator); });
        mist::gui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QSize least = window.minimumSizeHint().expandedTo(window.minimumSize());
        QVERIFY2(least.width() <= screen.width() && least.height() <= screen.height(),
                 qPrintable(QStringLiteral("needs %1x%2").arg(least.width()).arg(least.height())));
        window.resize(screen);
        mist::gui::LogView *logs = window.logView();
        window.tabs()->setCurrentWidget(logs);
        logs->setHistorySearchAvailable(true); // its action takes room too
        logs->setAppActionsVisible(true);      // Start, Stop, Restart of a shown app too
        QTest::qWait(50);
        QCOMPARE(window.size(), screen);

        auto *toolbar = logs->findChild<QToolBar *>(QStringLiteral("logToolbar"));
        QVERIFY(toolbar);
        auto *overflow = toolbar->findChild<QToolButton *>(QStringLiteral("qt_toolbar_ext_button"));
        QVERIFY2(!overflow || !overflow->isVisible(), "toolbar items in the overflow menu");
        QVERIFY2(toolbar->sizeHint().width() <= toolbar->width(),
                 qPrintable(QStringLiteral("toolbar needs %1 of %2")
                                .arg(toolbar->sizeHint().width())
                                .arg(toolbar->width())));
        for (const char *name : {"searchEdit", "filterEdit"}) {
            auto *field = logs->findChild<QLineEdit *>(QString::fromLatin1(name));
            QVERIFY(field && field->isVisible());
            // Room for "ERROR timeout" at least, never "Se…".
            QVERIFY2(field->width() >=
                         field->fontMetrics().horizontalAdvance(QStringLiteral("ERROR timeout")),
                     qPrintable(QStringLiteral("%1 is %2 wide").arg(name).arg(field->width())));
        }
        auto *more = logs->findChild<QToolButton *>(QStringLiteral("moreButton"));
        QVERIFY(more && more->isVisible() && more->menu());
        // Start, Stop, Restart, |, timestamps, wrap, |, copy, save, clear
        QCOMPARE(more->menu()->actions().size(), 10);
        for (QAction *a : logs->appActions())
            QVERIFY(a->isVisible() && more->menu()->actions().contains(a));
        // In the toolbar too where there is room (not German at 1024 pixels).
        if (screen.width() >= 1600 || !german)
            QVERIFY(logs->appActionsInToolbar());
    }
};

QTEST_MAIN(TestSmallScreen)
#include "tst_smallscreen.moc"
