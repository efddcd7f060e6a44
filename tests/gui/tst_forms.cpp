// SPDX-License-Identifier: GPL-3.0-or-later

// The forms in ui/ keep what the widget trees built in code had: shortcuts, mnemonics,
// tooltips and object names that tests and users rely on, in English and in German.
#include "DeploymentsView.h"
#include "LogView.h"
#include "MainWindow.h"

#include <QAction>
#include <QMenu>
#include <QPushButton>
#include <QTabWidget>
#include <QTest>
#include <QToolButton>
#include <QTranslator>
#include <QWidgetAction>

using namespace mist;

namespace {
// The translation in `qm` (none when empty) for as long as this lives.
class Language {
public:
    explicit Language(const QString &qm) {
        m_ok = qm.isEmpty() || m_translator.load(qm);
        if (!qm.isEmpty() && m_ok)
            QCoreApplication::installTranslator(&m_translator);
    }
    Language(const Language &) = delete;
    Language &operator=(const Language &) = delete;
    bool ok() const { return m_ok; }

private:
    QTranslator m_translator; // leaves the application when destroyed
    bool m_ok = false;
};
} // namespace

class TestForms : public QObject {
    Q_OBJECT

    static QAction *action(QObject *in, const char *name) {
        auto *a = in->findChild<QAction *>(QLatin1String(name));
        if (!a)
            qFatal("no action %s", name);
        return a;
    }

private Q_SLOTS:
    void shortcuts_data() {
        QTest::addColumn<QString>("german");
        QTest::newRow("English") << QString();
        QTest::newRow("German") << QStringLiteral(":/i18n/mist-monitor_de.qm");
    }
    void shortcuts() {
        QFETCH(QString, german);
        const Language language(german);
        QVERIFY(language.ok());
        gui::MainWindow window;
        QCOMPARE(action(&window, "connectRemoteAction")->shortcut(),
                 QKeySequence(QStringLiteral("Ctrl+Shift+C")));
        QCOMPARE(action(&window, "refreshAction")->shortcut(), QKeySequence(QKeySequence::Refresh));
        QCOMPARE(action(&window, "quitAction")->shortcut(), QKeySequence(QKeySequence::Quit));
        QCOMPARE(action(&window, "showMetricsAction")->shortcut(), QKeySequence("Ctrl+1"));
        QCOMPARE(action(&window, "showLogsAction")->shortcut(), QKeySequence("Ctrl+2"));
        QCOMPARE(action(&window, "showDeploymentsAction")->shortcut(), QKeySequence("Ctrl+3"));
        QCOMPARE(action(&window, "focusAppsAction")->shortcut(), QKeySequence("Ctrl+L"));
        // The translated text carries a mnemonic; the shortcut must survive it.
        QCOMPARE(window.deploymentsView()->deployButton()->shortcut(), QKeySequence("Ctrl+D"));
        QVERIFY(window.deploymentsView()->deployButton()->text().contains(u'&'));

        gui::LogView *logs = window.logView();
        QAction *copy = action(logs, "copyAction");
        QCOMPARE(copy->shortcut(), QKeySequence(QKeySequence::Copy));
        QCOMPARE(copy->shortcutContext(), Qt::WidgetShortcut);
        QAction *save = action(logs, "saveAction");
        QCOMPARE(save->shortcut(), QKeySequence(QKeySequence::Save));
        QCOMPARE(save->shortcutContext(), Qt::WidgetWithChildrenShortcut);
        QVERIFY(logs->actions().contains(save)); // live wherever the focus is in the view

        for (int i = 0; i < window.tabs()->count(); ++i)
            QVERIFY2(window.tabs()->tabText(i).contains(u'&'),
                     qPrintable(window.tabs()->tabText(i)));
    }

    void viewMenuShowsTheTabs_data() { shortcuts_data(); }
    void viewMenuShowsTheTabs() {
        QFETCH(QString, german);
        const Language language(german);
        QVERIFY(language.ok());
        gui::MainWindow window;
        const char *actions[] = {"showMetricsAction", "showLogsAction", "showDeploymentsAction"};
        for (int i = 0; i < 3; ++i) {
            action(&window, actions[i])->trigger();
            QCOMPARE(window.tabs()->currentIndex(), i);
            // The menu says what the tab says, without the tab's mnemonic.
            QCOMPARE(action(&window, actions[i])->text(), window.tabs()->tabText(i).remove(u'&'));
        }
    }

    void logToolbarInItsOrder() {
        gui::LogView view;
        QStringList order;
        for (QAction *a : view.findChild<QWidget *>(QStringLiteral("logToolbar"))->actions()) {
            if (a->isSeparator())
                order << QStringLiteral("|");
            else if (auto *w = qobject_cast<QWidgetAction *>(a))
                order << w->defaultWidget()->objectName();
            else
                order << a->objectName();
        }
        QCOMPARE(order,
                 (QStringList{"searchEdit", "previousMatchAction", "nextMatchAction", "matchLabel",
                              "historyAction", "|", "filterEdit", "regexToggle", "streamCombo", "|",
                              "startAppActionButton", "stopAppActionButton",
                              "restartAppActionButton", "|", "moreButton"}));
        // The rest in the "⋯" menu, still reachable by their shortcuts from the view.
        auto *more = view.findChild<QToolButton *>(QStringLiteral("moreButton"));
        QVERIFY(more && more->menu());
        QStringList menu;
        for (QAction *a : more->menu()->actions())
            menu << (a->isSeparator() ? QStringLiteral("|") : a->objectName());
        QCOMPARE(menu, (QStringList{"startAppAction", "stopAppAction", "restartAppAction", "|",
                                    "timestampsAction", "wrapAction", "|", "copyAction",
                                    "saveAction", "clearAction"}));
    }
};

QTEST_MAIN(TestForms)
#include "tst_forms.moc"
