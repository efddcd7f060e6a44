// SPDX-License-Identifier: GPL-3.0-or-later

#include "StatusWords.h"

#include "protocol/Parsing.h"

#include <QLocale>
#include <QRegularExpression>

#include <optional>

namespace mist::gui {

namespace {
// Milliseconds since the epoch; nullopt for a missing, malformed or zero ("0001-01-01...") time.
std::optional<qint64> epochMs(const QString &rfc3339) {
    if (rfc3339.isEmpty())
        return std::nullopt;
    const auto ns = protocol::parseEngineTimestampNs(rfc3339);
    if (!ns || *ns <= 0)
        return std::nullopt;
    return *ns / 1000000;
}
} // namespace

QString StatusWords::duration(qint64 ms) {
    const QLocale locale;
    const qint64 seconds = std::max<qint64>(ms, 0) / 1000;
    if (seconds < 1)
        return tr("Less than a second");
    if (seconds == 1)
        return tr("1 second");
    if (seconds < 60)
        return tr("%1 seconds").arg(locale.toString(seconds));
    const qint64 minutes = seconds / 60;
    if (minutes == 1)
        return tr("About a minute");
    if (minutes < 60)
        return tr("%1 minutes").arg(locale.toString(minutes));
    const qint64 hours = (std::max<qint64>(ms, 0) + 1800000) / 3600000; // rounded, as go-units
    if (hours == 1)
        return tr("About an hour");
    if (hours < 48)
        return tr("%1 hours").arg(locale.toString(hours));
    if (hours < 24 * 7 * 2)
        return tr("%1 days").arg(locale.toString(hours / 24));
    if (hours < 24 * 30 * 2)
        return tr("%1 weeks").arg(locale.toString(hours / 24 / 7));
    if (hours < 24 * 365 * 2)
        return tr("%1 months").arg(locale.toString(hours / 24 / 30));
    return tr("%1 years").arg(locale.toString(std::max<qint64>(ms, 0) / 3600000 / 24 / 365));
}

QString StatusWords::of(const ContainerTimes &c, qint64 nowMs) {
    const auto started = epochMs(c.startedAt);
    const auto finished = epochMs(c.finishedAt);
    const QString code = QString::number(c.exitCode); // a code, not a quantity: no grouping
    if (c.state == u"running")
        return started ? tr("Up %1").arg(duration(nowMs - *started)) : QString();
    if (c.state == u"paused")
        return started ? tr("Up %1 (Paused)").arg(duration(nowMs - *started)) : QString();
    if (c.state == u"restarting")
        return finished ? tr("Restarting (%1) %2 ago").arg(code, duration(nowMs - *finished))
                        : QString();
    if (c.state == u"exited") {
        if (!started)
            return tr("Created"); // never ran
        return finished ? tr("Exited (%1) %2 ago").arg(code, duration(nowMs - *finished))
                        : QString();
    }
    if (c.state == u"created")
        return tr("Created");
    if (c.state == u"removing")
        return tr("Removal In Progress");
    if (c.state == u"dead")
        return tr("Dead");
    return QString();
}

std::optional<qint64> StatusWords::parseDuration(const QString &words) {
    constexpr qint64 S = 1000;
    constexpr qint64 H = 3600 * S;
    if (words == u"Less than a second")
        return 0;
    if (words == u"About a minute")
        return 60 * S;
    if (words == u"About an hour")
        return H;
    static const QRegularExpression counted(
        QStringLiteral("^(\\d{1,9}) (second|minute|hour|day|week|month|year)s?$"));
    const QRegularExpressionMatch m = counted.match(words);
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    if (unit == u"second")
        return n * S;
    if (unit == u"minute")
        return n * 60 * S;
    if (unit == u"hour")
        return n * H;
    if (unit == u"day")
        return n * 24 * H;
    if (unit == u"week")
        return n * 7 * 24 * H;
    if (unit == u"month")
        return n * 30 * 24 * H;
    return n * 365 * 24 * H;
}

QString StatusWords::stateName(const QString &state) {
    if (state == u"running")
        return tr("running");
    if (state == u"restarting")
        return tr("restarting");
    if (state == u"exited")
        return tr("exited");
    if (state == u"paused")
        return tr("paused");
    if (state == u"created")
        return tr("created");
    if (state == u"dead")
        return tr("dead");
    if (state == u"removing")
        return tr("removing");
    return state;
}

QString StatusWords::healthOf(const QString &status) {
    if (status.endsWith(u" (healthy)"))
        return u' ' + tr("(healthy)");
    if (status.endsWith(u" (unhealthy)"))
        return u' ' + tr("(unhealthy)");
    if (status.endsWith(u" (health: starting)"))
        return u' ' + tr("(health: starting)");
    return QString();
}

QString StatusWords::fromEngine(const QString &status) {
    static const QRegularExpression up(
        QStringLiteral("^Up (.+?)( \\(Paused\\))?( \\((healthy|unhealthy|health: starting)\\))?$"));
    static const QRegularExpression ago(
        QStringLiteral("^(Exited|Restarting) \\((-?\\d{1,9})\\) (.+) ago$"));
    if (status == u"Created")
        return tr("Created");
    if (status == u"Dead")
        return tr("Dead");
    if (status == u"Removal In Progress")
        return tr("Removal In Progress");
    if (const QRegularExpressionMatch m = up.match(status); m.hasMatch()) {
        const auto ms = parseDuration(m.captured(1));
        if (!ms)
            return status;
        const QString words = m.capturedLength(2) > 0 ? tr("Up %1 (Paused)").arg(duration(*ms))
                                                      : tr("Up %1").arg(duration(*ms));
        return words + healthOf(status);
    }
    if (const QRegularExpressionMatch m = ago.match(status); m.hasMatch()) {
        const auto ms = parseDuration(m.captured(3));
        if (!ms)
            return status;
        const QString code = QString::number(m.captured(2).toInt());
        return m.captured(1) == u"Exited" ? tr("Exited (%1) %2 ago").arg(code, duration(*ms))
                                          : tr("Restarting (%1) %2 ago").arg(code, duration(*ms));
    }
    return status;
}

} // namespace mist::gui
