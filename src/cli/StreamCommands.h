#pragma once

#include <QIODevice>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QTextStream>

namespace mist::cli {

// Client commands that talk to a running server over REST and WebSockets,
// through the client core (mist::client::ServerSession, StreamConnection):
//   logs --app N          follow the app's container log
//   metrics               follow the host metrics, one line per sample
//   deployment --id N     follow an existing deployment
//   deploy --app N        queue a deployment of app N and follow it
// Common options: --json (every received message as one JSON line on
// stdout), --count N (stop after N log lines / samples, exit 0).
// Target: the server that owns the local data directory (found through
// <data-dir>/server.json; the command signs in as --email, default the first
// owner, with a short-lived session it creates and revokes), or a remote one
// with --url URL --email E --password-stdin.
// Output: log lines (or metric lines) on stdout; statuses, errors, the end
// and reconnect notices ("mist-monitor: connection lost, retrying in 4 s")
// on stderr. The commands reconnect by themselves, resuming where they were.
// Exit: 0 normal end or --count reached, 1 an error (refused, deployment
// failed, wrong password, unreachable server), 2 usage error, 128+n when
// stopped by signal n (SIGINT, SIGTERM; the session is still revoked).
bool isStreamCommand(const QString &firstArg);
int runStreamCommand(const QStringList &args, QTextStream &out, QTextStream &err, QIODevice &in,
                     const QString &defaultDataDir);

// One /ws/metrics sample as a line of text, e.g.
// "2025-01-15T10:30:00Z cpu 25.5% (4 cores) mem 25.0% 4.0/16.0 GiB
//  disk 10.0% 50.0/500.0 GiB containers 5/8 images 12" (on one line);
// "docker unavailable" when the engine could not be asked, no core count
// when the server sends none (upstream Mist).
QString metricsLine(const QJsonObject &sample);

} // namespace mist::cli
