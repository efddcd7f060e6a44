// SPDX-License-Identifier: GPL-3.0-or-later

// 9. The server keeping 20 busy apps' output with no viewer at all (the log
// archive's follower, src/core/server/LogArchiver): lines/s into the
// archive, the server's CPU per million lines, and every numbered line found
// again through GET /api/apps/{id}/logs, once. Real engine, real server
// process, loggen containers.
#include "BenchSupport.h"
#include "Scenarios.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

#include <memory>
#include <set>
#include <vector>

namespace mist::bench {

namespace {

constexpr int Apps = 20;

Figure followFigure(const QString &name, double value, const QString &unit,
                    const QString &target = {}, int met = -1, const QString &note = {}) {
    return Figure{QStringLiteral("archive-follow"), name, value, unit, target, met, note};
}

// One page of the app's archive, oldest first.
QJsonObject page(ServerProcess &server, int appId, const QString &cursor, int limit) {
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("order"), QStringLiteral("asc"));
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (!cursor.isEmpty())
        q.addQueryItem(QStringLiteral("cursor"), cursor);
    int status = 0;
    const QByteArray body = server.http(
        "GET", QStringLiteral("/api/apps/%1/logs?").arg(appId) + q.toString(QUrl::FullyEncoded), {},
        &status);
    return status == 200 ? QJsonDocument::fromJson(body).object()[QStringLiteral("data")].toObject()
                         : QJsonObject();
}

// loggen's "~L<seq> ..." lines of the app, as found in the archive.
struct Found {
    std::set<quint64> seqs;
    quint64 duplicates = 0;
    quint64 lines = 0;
};
Found readBack(ServerProcess &server, int appId) {
    Found f;
    QString cursor;
    do {
        const QJsonObject data = page(server, appId, cursor, 10000);
        for (const QJsonValue &v : data[QStringLiteral("entries")].toArray()) {
            const QString line = v.toObject()[QStringLiteral("line")].toString();
            if (!line.startsWith(QStringLiteral("~L")))
                continue;
            ++f.lines;
            if (!f.seqs.insert(line.mid(2, 10).toULongLong()).second)
                ++f.duplicates;
        }
        cursor = data[QStringLiteral("next")].toString();
    } while (!cursor.isEmpty());
    return f;
}

// The newest archived line's seq, or -1.
qint64 newestSeq(ServerProcess &server, int appId) {
    int status = 0;
    const QByteArray body = server.http(
        "GET", QStringLiteral("/api/apps/%1/logs?order=desc&limit=1").arg(appId), {}, &status);
    if (status != 200)
        return -1;
    const QJsonArray entries = QJsonDocument::fromJson(body)
                                   .object()[QStringLiteral("data")]
                                   .toObject()[QStringLiteral("entries")]
                                   .toArray();
    if (entries.isEmpty())
        return -1;
    const QString line = entries.first().toObject()[QStringLiteral("line")].toString();
    return line.startsWith(QStringLiteral("~L")) ? line.mid(2, 10).toLongLong() : -1;
}

// 20 loggen containers, each an app of the server, followed by it (its
// sweep finds them within 10 s; one engine stream each, and the events').
Expected<void> setUpApps(ServerProcess &server, quint64 perApp, int size, int rate,
                         std::vector<std::unique_ptr<LogContainer>> &containers,
                         std::vector<int> &apps) {
    for (int i = 0; i < Apps; ++i) {
        containers.push_back(
            std::make_unique<LogContainer>(containerName("follow"), perApp, size, rate));
        if (!containers.back()->ok())
            return fail(QStringLiteral("a container did not start"));
        apps.push_back(
            server.addContainerApp(containers.back()->name(), containers.back()->name()));
        if (apps.back() < 0)
            return fail(QStringLiteral("could not add an app"));
    }
    if (!waitUntil(
            [&] {
                return server.stats().value(QStringLiteral("engineStreamsActive")).toInt() >=
                       Apps + 1;
            },
            30000))
        return fail(QStringLiteral("the server did not follow the 20 containers"));
    return {};
}

} // namespace

void archiveFollow(const Options &o, Report &r) {
    heading("archive-follow", QStringLiteral("20 busy apps kept by the server, no viewer"));
    ServerProcess server;
    if (const auto started = server.start(); !started) {
        r.fail(QStringLiteral("archive-follow"), started.error());
        return;
    }
    const quint64 perApp = o.smoke ? 2000 : 50000;
    const int rate = 2000; // lines/s per app: 40 000 lines/s in all
    const int size = 200;
    std::vector<std::unique_ptr<LogContainer>> containers;
    std::vector<int> apps;
    if (const auto set = setUpApps(server, perApp, size, rate, containers, apps); !set) {
        r.fail(QStringLiteral("archive-follow"), set.error());
        return;
    }
    const ProcSample before = server.sample();
    const qint64 t0 = monotonicNs();
    for (const auto &c : containers)
        c->start();
    // Asking costs the server a search: not before the lines can all be
    // there (the producers' own pace), then twice a second.
    waitUntil([] { return false; }, int(perApp * 1000 / rate));
    QElapsedTimer sinceLastAsk;
    bool complete = false;
    waitUntil(
        [&] {
            if (complete || (sinceLastAsk.isValid() && sinceLastAsk.elapsed() < 500))
                return complete;
            sinceLastAsk.start();
            for (const int app : apps)
                if (newestSeq(server, app) < qint64(perApp) - 1)
                    return false;
            return complete = true;
        },
        o.smoke ? 60000 : 300000);
    const qint64 t1 = monotonicNs();
    const ProcSample after = server.sample();
    quint64 lost = 0, duplicates = 0, found = 0;
    for (const int app : apps) {
        const Found f = readBack(server, app);
        found += f.lines;
        duplicates += f.duplicates;
        lost += perApp - std::min<quint64>(perApp, f.seqs.size());
    }
    const quint64 total = perApp * Apps;
    const double seconds = double(t1 - t0) / 1e9;
    r.add(followFigure(QStringLiteral("lines/s into the archive"),
                       complete ? double(total) / seconds : 0, QStringLiteral("lines/s"), {}, -1,
                       QStringLiteral("%1 apps × %2 lines of %3 B at %4 lines/s each; start to "
                                      "the last line searchable (includes the 0.9 s flush)")
                           .arg(Apps)
                           .arg(perApp)
                           .arg(size)
                           .arg(rate)));
    r.add(followFigure(QStringLiteral("server CPU per million lines"),
                       double(after.cpuNs - before.cpuNs) / 1e6 / (double(total) / 1e6),
                       QStringLiteral("ms"), {}, -1,
                       QStringLiteral("follow with no viewer, sink, compress, write (and a "
                                      "search per app twice a second at the end)")));
    r.add(followFigure(QStringLiteral("lines lost"), double(lost), QStringLiteral("lines"),
                       QStringLiteral("= 0"), metIf(complete && lost == 0),
                       QStringLiteral("%1 of %2 found").arg(found).arg(total)));
    r.add(followFigure(QStringLiteral("lines archived twice"), double(duplicates),
                       QStringLiteral("lines"), QStringLiteral("= 0"), metIf(duplicates == 0)));
}

} // namespace mist::bench
