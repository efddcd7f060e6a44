// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QHash>
#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <optional>

class QCommandLineParser;

namespace mist::server {

// Everything `mist-monitor --server` (and the embedded server) can be told.
// Option names are an interface operators script against: they are listed in
// README.md ("Options") and the man page packaging/mist-monitor.1.
struct ServerConfig {
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 8080;
    QString dataDir;
    QString dockerHost; // empty: $DOCKER_HOST, else the default socket
    QString tlsCert;
    QString tlsKey;
    QStringList allowedOrigins;
    // Host names (Host header) served besides loopback names and IP
    // addresses; "*.example.com" covers one level below. Against DNS rebinding.
    QStringList allowedHosts;
    // Open connections of every kind (HTTP, TLS handshakes, WebSockets): in
    // total, lowered at start to fit the process's descriptor limit; per
    // address (an IPv6 /64), 0 for none.
    int maxConnections = 4096;
    int maxConnectionsPerAddress = 256;
    int pingIntervalSeconds = 30;
    QString deployNetwork; // network of deployed app containers; empty: the engine's default
    int deployWorkers = 2; // deployments of different apps that may run at once
    int buildTimeoutSeconds = 30 * 60; // packing and building one image
    // POST /api/apps/{id}/stop|restart: how long the container may take to exit on SIGTERM
    // before the engine kills it (docs/ACTIONS.md).
    int actionStopSeconds = 10;
    qint64 deployLogLimitBytes = 64LL << 20; // stored build log of one deployment
    // Output queued for all WebSocket clients together (OutputBudget).
    qint64 maxQueuedTotal = qint64(256) * 1024 * 1024;
    // The log archive (docs/ARCHIVE.md): its disk budget over all apps, 0 for
    // no archive at all, and the age limit (0: none).
    qint64 logRetentionBytes = qint64(1) << 30;
    int logRetentionDays = 30;

    static void addOptions(QCommandLineParser &parser);
    static Expected<ServerConfig> fromParser(const QCommandLineParser &parser);
};

// --config FILE: `key = value` lines (keys are the long options without the
// dashes, e.g. `listen = 0.0.0.0:8080`; `allowed-origin` may repeat; `#`
// starts a comment). Unknown keys and repeated single keys are errors.
Expected<QHash<QString, QStringList>> loadConfigFile(const QString &path);

// "HOST:PORT", "[v6]:PORT" or "localhost:PORT"; port 0 picks a free one.
Expected<std::pair<QHostAddress, quint16>> parseListenAddress(const QString &text);

// A duration: whole seconds ("1800"), or with a unit: "90s", "30m", "2h", "1d".
// Nothing but digits and one unit letter; nullopt for anything else.
std::optional<qint64> parseDuration(const QString &text);

// A size in bytes: "1048576", or with a binary unit: "512K", "64M", "1G", "1T"
// (case-insensitive, optionally followed by "B" or "iB": "64MiB"). nullopt
// for anything else or on overflow.
std::optional<qint64> parseByteSize(const QString &text);

// $XDG_DATA_HOME/mist-monitor (usually ~/.local/share/mist-monitor).
QString defaultDataDir();

} // namespace mist::server
