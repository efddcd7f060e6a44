// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QCoreApplication>
#include <QString>

#include <optional>

namespace mist::gui {

// What a container's life says, as the engine's `docker ps` status words ("Up 48 seconds",
// "Exited (0) 3 minutes ago") but worked out in the client from the container's state and
// timestamps (GET /api/apps: containerState, containerStartedAt, containerFinishedAt,
// containerExitCode), so that they tick while shown and are translated. The durations follow
// the engine's (go-units HumanDuration): "Less than a second", "1 second", "N seconds", "About a
// minute", "N minutes", "About an hour", "N hours" (below 48), "N days" (below 2 weeks), "N
// weeks" (below 2 months), "N months" (below 2 years), "N years". Pure: `nowMs` is given.
struct ContainerTimes {
    QString state;      // "running", "exited", "restarting", "paused", "created", "dead", ...
    QString startedAt;  // RFC 3339 as the engine writes it; empty or the zero time: none
    QString finishedAt; // likewise
    int exitCode = 0;
};

class StatusWords {
    Q_DECLARE_TR_FUNCTIONS(mist::gui::StatusWords)
public:
    // Empty when the times do not tell (no state, a running container without a start time):
    // the caller shows the engine's own words then.
    static QString of(const ContainerTimes &c, qint64 nowMs);
    // A duration in the engine's words (a negative one, from clock skew, counts as 0).
    static QString duration(qint64 ms);
    // The engine's own status words (a container list's `Status`: "Up 2 seconds (healthy)",
    // "Exited (0) About a minute ago", "Restarting (1) Less than a second ago", "Created", ...)
    // in the reader's language, read back into the parts of() takes; a text it does not
    // recognise comes back as it is.
    static QString fromEngine(const QString &status);
    // An engine state ("running", "restarting", "exited", ...) as a word of the reader's
    // language; an unknown one as it is.
    static QString stateName(const QString &state);
    // The health suffix of the engine's words (" (healthy)", " (unhealthy)", " (health:
    // starting)"), translated, with its leading space; empty without one.
    static QString healthOf(const QString &status);
    // A HumanDuration of the engine ("About a minute", "3 hours") as milliseconds that
    // duration() words the same; nullopt when it is none.
    static std::optional<qint64> parseDuration(const QString &words);
};

} // namespace mist::gui
