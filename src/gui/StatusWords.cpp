// SPDX-License-Identifier: GPL-3.0-or-later

#include "StatusWords.h"

#include "protocol/Parsing.h"

#include <QLocale>

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
    const QString code = QLocale().toString(c.exitCode);
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

} // namespace mist::gui
