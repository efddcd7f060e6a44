#pragma once

#include <QIODevice>
#include <QString>
#include <QStringList>
#include <QTextStream>

namespace mist::cli {

// Client commands that talk to a running server over REST and WebSockets:
//   deploy --app N        queue a deployment of app N and follow it
//   deployment --id N     follow an existing deployment
// Target: the server that owns the local data directory (found through
// <data-dir>/server.json; the command signs in as --email, default the first
// owner, with a short-lived session it creates and revokes), or a remote one
// with --url URL --email E --password-stdin.
// Output: log lines on stdout, status changes and messages on stderr; with
// --json every received message as one JSON line on stdout.
// Exit: 0 success, 1 the deployment failed or the server could not be
// reached, 2 usage error.
bool isStreamCommand(const QString &firstArg);
int runStreamCommand(const QStringList &args, QTextStream &out, QTextStream &err, QIODevice &in,
                     const QString &defaultDataDir);

} // namespace mist::cli
