// SPDX-License-Identifier: GPL-3.0-or-later

// The engine's status words worked out in the client (StatusWords), row by row, in English
// and in German: every range of the engine's durations at and around its edges, each state,
// and times that are missing, zero, malformed or in the future; the engine's own words (a
// container list's Status) read back and translated; the archive's lifecycle entries.
#include "AppLog.h"
#include "StatusWords.h"

#include <QDateTime>
#include <QJsonObject>
#include <QTest>
#include <QTranslator>

using mist::gui::ContainerTimes;
using mist::gui::StatusWords;

namespace {
const QString Base = QStringLiteral("2026-12-06T02:00:00.123456789Z");
qint64 baseMs() {
    return QDateTime::fromString(QStringLiteral("2026-12-06T02:00:00.123Z"), Qt::ISODateWithMs)
        .toMSecsSinceEpoch();
}
constexpr qint64 S = 1000, M = 60 * S, H = 60 * M, D = 24 * H;
} // namespace

class TestStatusWords : public QObject {
    Q_OBJECT
    void rows() {
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("startedAt");
        QTest::addColumn<QString>("finishedAt");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<qint64>("elapsed"); // now - Base
        QTest::addColumn<QString>("english");
        QTest::addColumn<QString>("german");
        const QString zero = QStringLiteral("0001-01-01T00:00:00Z");
        const QString run = QStringLiteral("running");
        auto up = [&](const char *name, qint64 ms, const char *en, const char *de) {
            QTest::newRow(name) << run << Base << zero << 0 << ms << QString::fromUtf8(en)
                                << QString::fromUtf8(de);
        };
        up("up 0", 0, "Up Less than a second", "Aktiv seit weniger als einer Sekunde");
        up("up 999ms", 999, "Up Less than a second", "Aktiv seit weniger als einer Sekunde");
        up("up 1s", S, "Up 1 second", "Aktiv seit 1 Sekunde");
        up("up 48s", 48 * S, "Up 48 seconds", "Aktiv seit 48 Sekunden");
        up("up 59.9s", 59 * S + 900, "Up 59 seconds", "Aktiv seit 59 Sekunden");
        up("up 60s", M, "Up About a minute", "Aktiv seit etwa einer Minute");
        up("up 119s", 2 * M - S, "Up About a minute", "Aktiv seit etwa einer Minute");
        up("up 2m", 2 * M, "Up 2 minutes", "Aktiv seit 2 Minuten");
        up("up 59m", 59 * M + 59 * S, "Up 59 minutes", "Aktiv seit 59 Minuten");
        up("up 60m", H, "Up About an hour", "Aktiv seit etwa einer Stunde");
        up("up 89m", 89 * M, "Up About an hour", "Aktiv seit etwa einer Stunde");
        up("up 90m rounds up", 90 * M, "Up 2 hours", "Aktiv seit 2 Stunden");
        up("up 47h", 47 * H, "Up 47 hours", "Aktiv seit 47 Stunden");
        up("up 48h", 48 * H, "Up 2 days", "Aktiv seit 2 Tagen");
        up("up 13d", 13 * D + 23 * H, "Up 13 days", "Aktiv seit 13 Tagen");
        up("up 14d", 14 * D, "Up 2 weeks", "Aktiv seit 2 Wochen");
        up("up 59d", 59 * D, "Up 8 weeks", "Aktiv seit 8 Wochen");
        up("up 60d", 60 * D, "Up 2 months", "Aktiv seit 2 Monaten");
        up("up 729d", 729 * D, "Up 24 months", "Aktiv seit 24 Monaten");
        up("up 730d", 730 * D, "Up 2 years", "Aktiv seit 2 Jahren");
        up("up clock skew", -5 * S, "Up Less than a second",
           "Aktiv seit weniger als einer Sekunde");
        up("up 1500 days", 1500 * D, "Up 4 years", "Aktiv seit 4 Jahren");

        const QString earlier = QStringLiteral("2026-12-05T02:00:00Z");
        QTest::newRow("exited 0") << QStringLiteral("exited") << earlier << Base << 0 << 3 * M
                                  << QStringLiteral("Exited (0) 3 minutes ago")
                                  << QStringLiteral("Beendet (0) vor 3 Minuten");
        QTest::newRow("exited 137") << QStringLiteral("exited") << earlier << Base << 137 << S
                                    << QStringLiteral("Exited (137) 1 second ago")
                                    << QStringLiteral("Beendet (137) vor 1 Sekunde");
        QTest::newRow("exited never started")
            << QStringLiteral("exited") << zero << zero << 0 << M << QStringLiteral("Created")
            << QStringLiteral("Erstellt");
        QTest::newRow("exited no finish")
            << QStringLiteral("exited") << earlier << zero << 1 << M << QString() << QString();
        QTest::newRow("restarting") << QStringLiteral("restarting") << earlier << Base << 1 << 5 * S
                                    << QStringLiteral("Restarting (1) 5 seconds ago")
                                    << QStringLiteral("Neustart (1) vor 5 Sekunden");
        QTest::newRow("paused") << QStringLiteral("paused") << Base << zero << 0 << 3 * H
                                << QStringLiteral("Up 3 hours (Paused)")
                                << QStringLiteral("Aktiv seit 3 Stunden (pausiert)");
        QTest::newRow("created") << QStringLiteral("created") << zero << zero << 0 << 0LL
                                 << QStringLiteral("Created") << QStringLiteral("Erstellt");
        QTest::newRow("dead") << QStringLiteral("dead") << earlier << Base << 0 << 0LL
                              << QStringLiteral("Dead") << QStringLiteral("Tot");
        QTest::newRow("removing") << QStringLiteral("removing") << earlier << zero << 0 << 0LL
                                  << QStringLiteral("Removal In Progress")
                                  << QStringLiteral("Wird entfernt");
        // What the times cannot tell: the caller keeps the engine's words.
        QTest::newRow("no state") << QString() << Base << Base << 0 << 0LL << QString()
                                  << QString();
        QTest::newRow("unknown state")
            << QStringLiteral("bogus") << Base << Base << 0 << 0LL << QString() << QString();
        QTest::newRow("running no start")
            << run << QString() << zero << 0 << 0LL << QString() << QString();
        QTest::newRow("running zero start")
            << run << zero << zero << 0 << 0LL << QString() << QString();
        QTest::newRow("running malformed")
            << run << QStringLiteral("yesterday") << zero << 0 << 0LL << QString() << QString();
        QTest::newRow("running huge")
            << run << QString(100000, u'9') << zero << 0 << 0LL << QString() << QString();
    }

    void check(bool inGerman) {
        QFETCH(QString, state);
        QFETCH(QString, startedAt);
        QFETCH(QString, finishedAt);
        QFETCH(int, exitCode);
        QFETCH(qint64, elapsed);
        QFETCH(QString, english);
        QFETCH(QString, german);
        const ContainerTimes c{state, startedAt, finishedAt, exitCode};
        inLanguage(inGerman, [&] {
            QCOMPARE(StatusWords::of(c, baseMs() + elapsed), inGerman ? german : english);
        });
    }

    // Runs `body` with the German translation and locale installed when `inGerman`.
    static void inLanguage(bool inGerman, const std::function<void()> &body) {
        QTranslator translator;
        const QLocale before;
        if (inGerman) {
            QVERIFY(translator.load(QStringLiteral(":/i18n/mist-monitor_de.qm")));
            QCoreApplication::installTranslator(&translator);
            QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        }
        const auto restore = qScopeGuard([&] {
            QCoreApplication::removeTranslator(&translator);
            QLocale::setDefault(before);
        });
        body();
    }

    void engineRows() {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("english");
        QTest::addColumn<QString>("german");
        auto row = [](const char *status, const char *en, const char *de) {
            QTest::newRow(status) << QString::fromUtf8(status) << QString::fromUtf8(en)
                                  << QString::fromUtf8(de);
        };
        row("Up Less than a second", "Up Less than a second",
            "Aktiv seit weniger als einer Sekunde");
        row("Up 1 second", "Up 1 second", "Aktiv seit 1 Sekunde");
        row("Up 48 seconds", "Up 48 seconds", "Aktiv seit 48 Sekunden");
        row("Up About a minute", "Up About a minute", "Aktiv seit etwa einer Minute");
        row("Up 59 minutes", "Up 59 minutes", "Aktiv seit 59 Minuten");
        row("Up About an hour", "Up About an hour", "Aktiv seit etwa einer Stunde");
        row("Up 47 hours", "Up 47 hours", "Aktiv seit 47 Stunden");
        row("Up 13 days", "Up 13 days", "Aktiv seit 13 Tagen");
        row("Up 8 weeks", "Up 8 weeks", "Aktiv seit 8 Wochen");
        row("Up 23 months", "Up 23 months", "Aktiv seit 23 Monaten");
        row("Up 3 years", "Up 3 years", "Aktiv seit 3 Jahren");
        row("Up 2 hours (healthy)", "Up 2 hours (healthy)", "Aktiv seit 2 Stunden (gesund)");
        row("Up 5 seconds (health: starting)", "Up 5 seconds (health: starting)",
            "Aktiv seit 5 Sekunden (Zustand: startet)");
        row("Up 3 days (unhealthy)", "Up 3 days (unhealthy)", "Aktiv seit 3 Tagen (nicht gesund)");
        row("Up 3 hours (Paused)", "Up 3 hours (Paused)", "Aktiv seit 3 Stunden (pausiert)");
        row("Exited (0) 1 second ago", "Exited (0) 1 second ago", "Beendet (0) vor 1 Sekunde");
        row("Exited (137) About a minute ago", "Exited (137) About a minute ago",
            "Beendet (137) vor etwa einer Minute");
        row("Exited (-1) 2 weeks ago", "Exited (-1) 2 weeks ago", "Beendet (-1) vor 2 Wochen");
        row("Exited (2048) 3 months ago", "Exited (2048) 3 months ago",
            "Beendet (2048) vor 3 Monaten");
        row("Restarting (1) Less than a second ago", "Restarting (1) Less than a second ago",
            "Neustart (1) vor weniger als einer Sekunde");
        row("Created", "Created", "Erstellt");
        row("Dead", "Dead", "Tot");
        row("Removal In Progress", "Removal In Progress", "Wird entfernt");
        // Not the engine's words: as they came.
        row("empty", "", "");
        row("Up", "Up", "Up");
        row("Up forever", "Up forever", "Up forever");
        row("Up 3 fortnights", "Up 3 fortnights", "Up 3 fortnights");
        row("Exited (x) 3 hours ago", "Exited (x) 3 hours ago", "Exited (x) 3 hours ago");
        row("Exited (1) 3 hours", "Exited (1) 3 hours", "Exited (1) 3 hours");
        row("Up 99999999999 seconds", "Up 99999999999 seconds", "Up 99999999999 seconds");
        row("Running", "Running", "Running");
    }

    void engineCheck(bool inGerman) {
        QFETCH(QString, status);
        QFETCH(QString, english);
        QFETCH(QString, german);
        // The empty row's tag is a name, not the text.
        const QString input = status == u"empty" ? QString() : status;
        inLanguage(inGerman,
                   [&] { QCOMPARE(StatusWords::fromEngine(input), inGerman ? german : english); });
    }

    void eventRows() {
        QTest::addColumn<QJsonObject>("entry");
        QTest::addColumn<QString>("english");
        QTest::addColumn<QString>("german");
        auto event = [](const char *kind, const char *line) {
            return QJsonObject{{QStringLiteral("kind"), QStringLiteral("event")},
                               {QStringLiteral("event"), QString::fromLatin1(kind)},
                               {QStringLiteral("line"), QString::fromLatin1(line)}};
        };
        auto with = [](QJsonObject o, const char *key, double value) {
            o.insert(QString::fromLatin1(key), value);
            return o;
        };
        QTest::newRow("started") << event("started", "started") << "— started —"
                                 << "— gestartet —";
        QTest::newRow("died") << with(event("died", "died (exit 3)"), "exitCode", 3)
                              << "— died (exit 3) —"
                              << "— beendet (Exit 3) —";
        QTest::newRow("died oom") << with(event("died", "died (exit 137, OOM)"), "exitCode", 137)
                                  << "— died (exit 137, out of memory) —"
                                  << "— beendet (Exit 137, Speicher erschöpft) —";
        QTest::newRow("died no code") << event("died", "died") << "— died —"
                                      << "— beendet —";
        QTest::newRow("restarted") << with(event("restarted", "restarted (exit 1)"), "exitCode", 1)
                                   << "— restarted (exit 1) —"
                                   << "— neu gestartet (Exit 1) —";
        QTest::newRow("oom") << event("oom", "out of memory") << "— out of memory —"
                             << "— Speicher erschöpft —";
        QTest::newRow("removed") << event("removed", "removed") << "— removed —"
                                 << "— entfernt —";
        QTest::newRow("replaced") << with(event("replaced", "replaced by deployment #12"),
                                          "newDeploymentId", 12)
                                  << "— replaced by deployment #12 —"
                                  << "— ersetzt durch Bereitstellung #12 —";
        QTest::newRow("engine lost") << event("engine_lost", "engine lost: connection refused")
                                     << "— engine lost: connection refused —"
                                     << "— Engine verloren: connection refused —";
        QTest::newRow("engine back") << event("engine_back", "engine back") << "— engine back —"
                                     << "— Engine wieder erreichbar —";
        // Unknown kinds and malformed entries: the server's line as it came.
        QTest::newRow("unknown") << event("teleported", "teleported to mars")
                                 << "— teleported to mars —"
                                 << "— teleported to mars —";
        QTest::newRow("replaced without id")
            << event("replaced", "replaced by deployment #7") << "— replaced by deployment #7 —"
            << "— replaced by deployment #7 —";
        QTest::newRow("engine lost odd line") << event("engine_lost", "gone") << "— gone —"
                                              << "— gone —";
    }

    void eventCheck(bool inGerman) {
        QFETCH(QJsonObject, entry);
        QFETCH(QString, english);
        QFETCH(QString, german);
        inLanguage(inGerman, [&] {
            const mist::gui::LogEntry row = mist::gui::AppLog::entryFromJson(entry);
            QCOMPARE(row.kind, mist::gui::LogEntry::Kind::Status);
            QCOMPARE(row.text, inGerman ? german : english);
        });
    }

private Q_SLOTS:
    // Every duration the engine can write reads back to the same words.
    void durationsReadBack() {
        for (qint64 ms : {0LL, S, 2 * S, 59 * S, M, 2 * M, 59 * M, H, 2 * H, 47 * H, 2 * D, 13 * D,
                          14 * D, 8 * 7 * D, 59 * D, 60 * D, 700 * D, 731 * D, 3650 * D}) {
            const QString words = StatusWords::duration(ms);
            const auto back = StatusWords::parseDuration(words);
            QVERIFY2(back, qPrintable(words));
            QCOMPARE(StatusWords::duration(*back), words);
        }
        QVERIFY(!StatusWords::parseDuration(QString()));
        QVERIFY(!StatusWords::parseDuration(QStringLiteral("3 parsecs")));
    }
    void engineWordsEnglish_data() { engineRows(); }
    void engineWordsEnglish() { engineCheck(false); }
    void engineWordsGerman_data() { engineRows(); }
    void engineWordsGerman() { engineCheck(true); }
    void archiveEventsEnglish_data() { eventRows(); }
    void archiveEventsEnglish() { eventCheck(false); }
    void archiveEventsGerman_data() { eventRows(); }
    void archiveEventsGerman() { eventCheck(true); }
    void english_data() { rows(); }
    void english() { check(false); }
    void german_data() { rows(); }
    void german() { check(true); }
};

QTEST_MAIN(TestStatusWords)
#include "tst_statuswords.moc"
