// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Command.h"
#include "MetricsLine.h"

namespace mist::cli {

// The server family (ServerCommand): commands that talk to a running server
// over REST and WebSockets, through the client core
// (mist::client::ServerSession, StreamConnection). Today all follow a stream
// (StreamCommand):
//   logs --app N          follow the app's container log
//   metrics               follow the host metrics, one line per sample
//   stats [--app N]       follow the apps' resource use (or print history with --since)
//   deployment --id N     follow an existing deployment
//   deploy --app N        queue a deployment of app N and follow it
// Common options: --json (every received message as one JSON line on
// stdout), --count N (stop after N log lines / samples, exit 0).
// Target: the server that owns the local data directory (found through
// <data-dir>/server.json; the command signs in as --email, default the first
// owner, with a short-lived session it creates and revokes), or a remote one
// with --url URL --email E --password-stdin (Connection.h).
// Output: log lines (or metric lines) on stdout; statuses, errors, the end
// and reconnect notices ("mist-monitor: connection lost, retrying in 4 s")
// on stderr. The commands reconnect by themselves, resuming where they were.
// Exit: 0 normal end or --count reached, 1 an error (refused, deployment
// failed, wrong password, unreachable server), 2 usage error, 128+n when
// stopped by signal n (SIGINT, SIGTERM; the session is still revoked).
// Each command is its own file under commands/; the program runs them
// through runCommand() (Dispatch.h).

// True when the first word after the program name selects one of them.
bool isStreamCommand(const QString &firstArg);

} // namespace mist::cli
