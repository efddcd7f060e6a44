// SPDX-License-Identifier: GPL-3.0-or-later

#include "ServerConfig.h"

#include "archive/ArchiveQuery.h"
#include "http/HostPolicy.h"
#include "protocol/Parsing.h"

#include <QCommandLineParser>
#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>

#include <limits>

namespace mist::server {

namespace {
constexpr qint64 MaxBuildTimeoutSeconds = 7 * 86400;
// Below this the pipeline's own lines could not be kept next to any output.
constexpr qint64 MinDeployLogLimit = 64LL << 10;
constexpr qint64 MaxDeployLogLimit = 1LL << 40;
} // namespace

void ServerConfig::addOptions(QCommandLineParser &parser) {
    parser.addOption({QStringLiteral("config"),
                      QStringLiteral("Read options from FILE (key = value lines, keys as the "
                                     "options without dashes; the command line wins)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("listen"),
                      QStringLiteral("Address and port to serve on (default 127.0.0.1:8080)."),
                      QStringLiteral("HOST:PORT")});
    parser.addOption(
        {QStringLiteral("data-dir"),
         QStringLiteral("Directory for the database (default %1).").arg(defaultDataDir()),
         QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("docker-host"),
                      QStringLiteral("Docker engine: unix:///path or tcp://host:port (default "
                                     "$DOCKER_HOST, else unix:///var/run/docker.sock)."),
                      QStringLiteral("URI")});
    parser.addOption({QStringLiteral("tls-cert"),
                      QStringLiteral("PEM certificate: serve https and wss."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("tls-key"), QStringLiteral("PEM private key for --tls-cert."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("allowed-origin"),
                      QStringLiteral("Browser origin allowed to open WebSockets (repeatable)."),
                      QStringLiteral("ORIGIN")});
    parser.addOption({QStringLiteral("allowed-host"),
                      QStringLiteral("A host name clients may reach the server by, besides "
                                     "localhost and IP addresses (repeatable; *.example.com for "
                                     "the names one level below)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("max-connections"),
                      QStringLiteral("Open connections at most, all clients together: HTTP, TLS "
                                     "handshakes and WebSockets (default 4096; lowered to fit the "
                                     "descriptor limit)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("max-connections-per-address"),
                      QStringLiteral("Open connections at most from one address (IPv6: one /64) "
                                     "(default 256; 0: no limit)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("ping-interval"),
                      QStringLiteral("Seconds between WebSocket pings (default 30)."),
                      QStringLiteral("SECONDS")});
    parser.addOption({QStringLiteral("deploy-network"),
                      QStringLiteral("Docker network for deployed app containers (default: the "
                                     "engine's default network)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("deploy-workers"),
                      QStringLiteral("Deployments of different apps that may run at once "
                                     "(default 2)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("build-timeout"),
                      QStringLiteral("Longest a deployment's image build may take: seconds, or "
                                     "with a unit s, m, h, d (default 30m)."),
                      QStringLiteral("DURATION")});
    parser.addOption({QStringLiteral("deploy-log-limit"),
                      QStringLiteral("Most build log kept per deployment; a build that writes "
                                     "more fails (default 64M; K, M, G, T suffixes)."),
                      QStringLiteral("SIZE")});
    parser.addOption({QStringLiteral("max-queued-total"),
                      QStringLiteral("Output that may wait for all WebSocket clients together, "
                                     "K/M/G suffixes (default 256M; the largest queues are cut "
                                     "first)."),
                      QStringLiteral("SIZE")});
    parser.addOption({QStringLiteral("log-retention"),
                      QStringLiteral("Disk budget of the log archive, all apps together, K/M/G "
                                     "suffixes (default 1G; at least 1M; 0 turns the archive "
                                     "off)."),
                      QStringLiteral("SIZE")});
    parser.addOption({QStringLiteral("log-retention-days"),
                      QStringLiteral("Days archived log lines are kept (default 30; 0: no age "
                                     "limit)."),
                      QStringLiteral("N")});
}

Expected<QHash<QString, QStringList>> loadConfigFile(const QString &path) {
    static const QStringList keys{QStringLiteral("listen"),
                                  QStringLiteral("data-dir"),
                                  QStringLiteral("docker-host"),
                                  QStringLiteral("tls-cert"),
                                  QStringLiteral("tls-key"),
                                  QStringLiteral("allowed-origin"),
                                  QStringLiteral("allowed-host"),
                                  QStringLiteral("max-connections"),
                                  QStringLiteral("max-connections-per-address"),
                                  QStringLiteral("ping-interval"),
                                  QStringLiteral("deploy-network"),
                                  QStringLiteral("deploy-workers"),
                                  QStringLiteral("build-timeout"),
                                  QStringLiteral("deploy-log-limit"),
                                  QStringLiteral("max-queued-total"),
                                  QStringLiteral("log-retention"),
                                  QStringLiteral("log-retention-days")};
    static const QStringList repeatable{QStringLiteral("allowed-origin"),
                                        QStringLiteral("allowed-host")};
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read config file %1: %2").arg(path, f.errorString()));
    if (f.size() > 1024 * 1024)
        return fail(QStringLiteral("config file %1 is larger than 1 MiB").arg(path));
    QHash<QString, QStringList> out;
    int lineNumber = 0;
    for (const QByteArray &raw : f.readAll().split('\n')) {
        ++lineNumber;
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;
        const qsizetype eq = line.indexOf(u'=');
        const QString key = line.left(eq).trimmed();
        if (eq <= 0 || !keys.contains(key))
            return fail(QStringLiteral("%1 line %2: expected one of %3 = VALUE, not '%4'")
                            .arg(path)
                            .arg(lineNumber)
                            .arg(keys.join(QStringLiteral(", ")), line.left(80)));
        QString v = line.mid(eq + 1).trimmed();
        if (v.size() >= 2 && v.startsWith(u'"') && v.endsWith(u'"'))
            v = v.mid(1, v.size() - 2);
        if (!repeatable.contains(key) && out.contains(key))
            return fail(
                QStringLiteral("%1 line %2: %3 is set twice").arg(path).arg(lineNumber).arg(key));
        out[key].append(v);
    }
    return out;
}

namespace {

// The command line first, then --config FILE for what the command line leaves unset.
struct OptionValues {
    const QCommandLineParser &parser;
    QHash<QString, QStringList> file;

    bool isSet(const QString &name) const { return parser.isSet(name) || file.contains(name); }
    QStringList values(const QString &name) const {
        return parser.isSet(name) ? parser.values(name) : file.value(name);
    }
    QString value(const QString &name) const { return values(name).value(0); }
};

// Where to listen, where the data lives, the engine, TLS, and whom to answer.
Expected<void> readPlaceOptions(const OptionValues &o, ServerConfig &c) {
    if (o.isSet(QStringLiteral("listen"))) {
        const auto listen = parseListenAddress(o.value(QStringLiteral("listen")));
        if (!listen)
            return fail(listen.error());
        c.listenAddress = listen->first;
        c.port = listen->second;
    }
    c.dataDir = o.isSet(QStringLiteral("data-dir")) ? o.value(QStringLiteral("data-dir"))
                                                    : defaultDataDir();
    if (c.dataDir.isEmpty())
        return fail(QStringLiteral("--data-dir must not be empty"));
    c.dockerHost = o.value(QStringLiteral("docker-host"));
    c.tlsCert = o.value(QStringLiteral("tls-cert"));
    c.tlsKey = o.value(QStringLiteral("tls-key"));
    if (c.tlsCert.isEmpty() != c.tlsKey.isEmpty())
        return fail(QStringLiteral("--tls-cert and --tls-key go together"));
    for (const QString &origin : o.values(QStringLiteral("allowed-origin"))) {
        const QUrl url(origin, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
            url.host().isEmpty() || !url.path().isEmpty())
            return fail(QStringLiteral("--allowed-origin wants an origin like https://example.com, "
                                       "not '%1'")
                            .arg(origin));
        c.allowedOrigins.append(url.toString(QUrl::FullyEncoded).toLower());
    }
    for (const QString &name : o.values(QStringLiteral("allowed-host"))) {
        const auto normalized = http::normalizeAllowedHost(name);
        if (!normalized)
            return fail(QStringLiteral("--allowed-host wants a host name like mist.example.com or "
                                       "*.example.com, not '%1'")
                            .arg(name.left(200)));
        c.allowedHosts.append(*normalized);
    }
    return {};
}

// Limits on what clients may hold.
Expected<void> readLimitOptions(const OptionValues &o, ServerConfig &c) {
    if (o.isSet(QStringLiteral("max-connections"))) {
        bool ok = false;
        const int n = o.value(QStringLiteral("max-connections")).toInt(&ok);
        if (!ok || n < 16 || n > 1000000)
            return fail(
                QStringLiteral("--max-connections wants a whole number from 16 to 1000000"));
        c.maxConnections = n;
    }
    if (o.isSet(QStringLiteral("max-connections-per-address"))) {
        bool ok = false;
        const int n = o.value(QStringLiteral("max-connections-per-address")).toInt(&ok);
        if (!ok || n < 0 || n > 1000000)
            return fail(QStringLiteral("--max-connections-per-address wants a whole number from 0 "
                                       "(no limit) to 1000000"));
        c.maxConnectionsPerAddress = n;
    }
    if (o.isSet(QStringLiteral("ping-interval"))) {
        bool ok = false;
        const int seconds = o.value(QStringLiteral("ping-interval")).toInt(&ok);
        if (!ok || seconds < 1 || seconds > 3600)
            return fail(QStringLiteral("--ping-interval wants whole seconds from 1 to 3600"));
        c.pingIntervalSeconds = seconds;
    }
    if (o.isSet(QStringLiteral("max-queued-total"))) {
        const auto bytes = parseByteSize(o.value(QStringLiteral("max-queued-total")));
        constexpr qint64 Min = qint64(1) << 20, Max = qint64(1) << 40;
        if (!bytes || *bytes < Min || *bytes > Max)
            return fail(QStringLiteral("--max-queued-total wants a size from 1M to 1T (e.g. 256M), "
                                       "not '%1'")
                            .arg(o.value(QStringLiteral("max-queued-total")).left(40)));
        c.maxQueuedTotal = *bytes;
    }
    if (o.isSet(QStringLiteral("log-retention"))) {
        const QString text = o.value(QStringLiteral("log-retention"));
        const auto bytes = archive::parseRetentionSize(text);
        if (!bytes)
            return fail(
                QStringLiteral("--log-retention wants 0 (no archive) or a size from 1M to "
                               "1024T, in bytes or with a suffix K, M, G (e.g. 1G), not '%1'")
                    .arg(text.left(40)));
        c.logRetentionBytes = *bytes;
    }
    if (o.isSet(QStringLiteral("log-retention-days"))) {
        const QString text = o.value(QStringLiteral("log-retention-days"));
        const auto days = archive::parseRetentionDays(text);
        if (!days)
            return fail(QStringLiteral("--log-retention-days wants a whole number of days from 0 "
                                       "(no age limit) to 36500, not '%1'")
                            .arg(text.left(40)));
        c.logRetentionDays = *days;
    }
    return {};
}

// Deployments: network, workers, build timeout, log limit.
Expected<void> readDeployOptions(const OptionValues &o, ServerConfig &c) {
    c.deployNetwork = o.value(QStringLiteral("deploy-network"));
    if (o.isSet(QStringLiteral("deploy-workers"))) {
        bool ok = false;
        const int workers = o.value(QStringLiteral("deploy-workers")).toInt(&ok);
        if (!ok || workers < 1 || workers > 64)
            return fail(QStringLiteral("--deploy-workers wants a whole number from 1 to 64"));
        c.deployWorkers = workers;
    }
    if (o.isSet(QStringLiteral("build-timeout"))) {
        const auto seconds = parseDuration(o.value(QStringLiteral("build-timeout")));
        if (!seconds || *seconds < 1 || *seconds > MaxBuildTimeoutSeconds)
            return fail(QStringLiteral("--build-timeout wants a duration from 1s to 7d, in seconds "
                                       "or with a unit s, m, h, d (e.g. 30m), not '%1'")
                            .arg(o.value(QStringLiteral("build-timeout")).left(80)));
        c.buildTimeoutSeconds = int(*seconds);
    }
    if (o.isSet(QStringLiteral("deploy-log-limit"))) {
        const auto bytes = parseByteSize(o.value(QStringLiteral("deploy-log-limit")));
        if (!bytes || *bytes < MinDeployLogLimit || *bytes > MaxDeployLogLimit)
            return fail(
                QStringLiteral("--deploy-log-limit wants a size from 64K to 1T, in bytes or "
                               "with a suffix K, M, G, T (e.g. 64M), not '%1'")
                    .arg(o.value(QStringLiteral("deploy-log-limit")).left(80)));
        c.deployLogLimitBytes = *bytes;
    }
    return {};
}

} // namespace

Expected<ServerConfig> ServerConfig::fromParser(const QCommandLineParser &parser) {
    OptionValues options{parser, {}};
    if (parser.isSet(QStringLiteral("config"))) {
        auto loaded = loadConfigFile(parser.value(QStringLiteral("config")));
        if (!loaded)
            return fail(loaded.error());
        options.file = *loaded;
    }
    ServerConfig config;
    for (auto read : {readPlaceOptions, readLimitOptions, readDeployOptions}) {
        if (const auto done = read(options, config); !done)
            return fail(done.error());
    }
    return config;
}

Expected<std::pair<QHostAddress, quint16>> parseListenAddress(const QString &text) {
    const qsizetype colon = text.lastIndexOf(u':');
    const auto fail = [&] {
        return mist::fail(QStringLiteral("--listen wants HOST:PORT (e.g. 127.0.0.1:8080 or "
                                         "[::1]:8080), not '%1'")
                              .arg(text));
    };
    if (colon <= 0)
        return fail();
    QString host = text.left(colon);
    const QString portText = text.mid(colon + 1);
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port > 65535 || portText.isEmpty() || portText.front() == u'+')
        return fail();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    else if (host.contains(u':'))
        return fail(); // a bare IPv6 address needs brackets
    QHostAddress address;
    if (host == u"localhost")
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(host))
        return fail();
    return std::make_pair(address, quint16(port));
}

std::optional<qint64> parseDuration(const QString &text) {
    static const QRegularExpression re(QStringLiteral("^([0-9]{1,9})([smhd]?)$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    static const QHash<QString, qint64> unit{{QString(), 1},
                                             {QStringLiteral("s"), 1},
                                             {QStringLiteral("m"), 60},
                                             {QStringLiteral("h"), 3600},
                                             {QStringLiteral("d"), 86400}};
    // At most 9 digits: no product can overflow.
    return m.captured(1).toLongLong() * unit.value(m.captured(2));
}

std::optional<qint64> parseByteSize(const QString &text) {
    static const QRegularExpression re(QStringLiteral("^([0-9]{1,19})(?:([KMGT])(?:I?B)?|B)?$"),
                                       QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    bool ok = false;
    const qint64 number = m.captured(1).toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    const QString suffix = m.captured(2).toUpper();
    const int shift = suffix.isEmpty() ? 0 : 10 * (int(QStringLiteral("KMGT").indexOf(suffix)) + 1);
    if (number > (std::numeric_limits<qint64>::max() >> shift))
        return std::nullopt;
    return number << shift;
}

QString defaultDataDir() {
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return base.isEmpty() ? QString() : base + QStringLiteral("/mist-monitor");
}

} // namespace mist::server
