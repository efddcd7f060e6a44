// SPDX-License-Identifier: GPL-3.0-or-later

// 12. Alerts (#19). (a) From a condition becoming true to the webhook receiver getting the
// POST, through the real server, p50/p99 over 100 firings (target p99 < 2 s): a log rule ("1
// matching line within 1 s") on apps whose containers write a matching line every 10 s, each
// firing against the write time loggen put in the line (same host clock); and a metric rule
// (app CPU over 30 %) on containers busy for 3 s of every 8 s of the clock, each firing against
// the start of its busy stretch, so the 1 s sampling is in the figure. Several apps side by
// side, each with its own channel: a channel takes 20 messages a minute. (b) The
// rule evaluator's cost, in this process: 100 rules over 100 apps fed what a server feeds it each
// second (host and app figures, 1 000 log lines, a tick), as CPU per second of observations; its
// baseline is RE2 alone matching the same lines, the least any log rule must do.
// docs/PERFORMANCE.md, "Alerts".

#include "Scenarios.h"

#include "alerts/AlertEvaluator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTcpSocket>

#include <re2/re2.h>

#include <ctime>

namespace mist::bench {

namespace {

Figure alertFigure(const QString &name, double value, const QString &unit,
                   const QString &target = {}, int met = -1, const QString &note = {}) {
    return Figure{QStringLiteral("alerts"), name, value, unit, target, met, note};
}

qint64 cpuNs() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return qint64(t.tv_sec) * 1000000000 + t.tv_nsec;
}

// A webhook receiver: every request answered 200 at once; the receipt time (realtime ns) and
// the `state` of each JSON body kept.
class Receiver : public QObject {
public:
    struct Post {
        qint64 receivedNs = 0;
        QString state;
        QByteArray path; // /hook/<app index>
    };
    bool listen() {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onRead(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        return m_server.listen(QHostAddress::LocalHost);
    }
    QString url() const {
        return QStringLiteral("http://127.0.0.1:%1/hook").arg(m_server.serverPort());
    }
    std::vector<Post> posts;

private:
    void onRead(QTcpSocket *s) {
        QByteArray &buffer = m_buffers[s];
        buffer += s->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        qsizetype length = 0;
        for (const QByteArray &line : buffer.left(end).split('\n'))
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        if (buffer.size() < end + 4 + length)
            return;
        const QJsonObject body = QJsonDocument::fromJson(buffer.mid(end + 4, length)).object();
        posts.push_back({realtimeNs(), body.value(QStringLiteral("state")).toString(),
                         buffer.left(buffer.indexOf('\r')).split(' ').value(1)});
        m_buffers.remove(s);
        s->write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        s->disconnectFromHost();
    }
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

// The server, the receiver, and apps under test, each with a webhook channel of its own
// (/hook/<index>) and one rule: a channel takes at most 20 messages a minute (docs/ALERTS.md,
// "Delivery"), a firing and its resolution are two, so one app fires at most every 6 s and the
// 100 firings come from several apps side by side.
struct AlertRig {
    ServerProcess server;
    Receiver receiver;
    QList<int> apps;

    QString start() {
        if (const auto started = server.start(); !started)
            return started.error();
        return receiver.listen() ? QString() : QStringLiteral("receiver cannot listen");
    }
    // The app of `container`, its channel and `rule` (its kind's fields; no cooldown).
    QString addApp(const QString &container, QJsonObject rule) {
        const int index = int(apps.size());
        const int app = server.addContainerApp(QStringLiteral("alerting-%1").arg(index), container);
        int status = 0;
        const QByteArray channel = server.http(
            "POST", QStringLiteral("/api/alerts/channels"),
            QJsonDocument(
                QJsonObject{
                    {QStringLiteral("name"), QStringLiteral("bench %1").arg(index)},
                    {QStringLiteral("kind"), QStringLiteral("webhook")},
                    {QStringLiteral("url"), receiver.url() + u'/' + QString::number(index)}})
                .toJson(QJsonDocument::Compact),
            &status);
        const qint64 channelId = QJsonDocument::fromJson(channel)["data"]["id"].toInteger();
        if (app < 0 || channelId <= 0)
            return QStringLiteral("app or channel not created (%1)").arg(status);
        rule.insert(QStringLiteral("name"), QStringLiteral("bench %1").arg(index));
        rule.insert(QStringLiteral("appId"), app);
        rule.insert(QStringLiteral("cooldownSeconds"), 0);
        rule.insert(QStringLiteral("channels"), QJsonArray{channelId});
        const QByteArray answer =
            server.http("POST", QStringLiteral("/api/alerts/rules"),
                        QJsonDocument(rule).toJson(QJsonDocument::Compact), &status);
        if (status != 201)
            return QString::fromUtf8(answer);
        apps.append(app);
        return {};
    }
    qint64 fired() const {
        return std::count_if(receiver.posts.begin(), receiver.posts.end(),
                             [](const Receiver::Post &p) { return p.state == u"firing"; });
    }
    // Each firing of app `index`: its receipt minus the newest of that app's condition starts
    // before it.
    std::vector<qint64> latencies(int index, const std::vector<qint64> &conditionsNs) const {
        std::vector<qint64> out;
        const QByteArray path = "/hook/" + QByteArray::number(index);
        for (const Receiver::Post &p : receiver.posts) {
            if (p.state != u"firing" || p.path != path)
                continue;
            const auto it =
                std::upper_bound(conditionsNs.begin(), conditionsNs.end(), p.receivedNs);
            if (it != conditionsNs.begin())
                out.push_back(p.receivedNs - *(it - 1));
        }
        return out;
    }
};

void reportLatency(Report &r, const QString &what, std::vector<qint64> latencyNs, int firings,
                   const QString &note) {
    if (latencyNs.size() < size_t(firings)) {
        r.fail(QStringLiteral("alerts"), QStringLiteral("%1: %2 of %3 firings reached the webhook")
                                             .arg(what)
                                             .arg(latencyNs.size())
                                             .arg(firings));
        return;
    }
    const auto ms = [](qint64 ns) {
        return double(ns) / 1e6;
    };
    const double p99 = ms(percentile(latencyNs, 99));
    const QString n = QStringLiteral("%1 firings; %2").arg(latencyNs.size()).arg(note);
    r.add(alertFigure(what + QStringLiteral(" to webhook p50"), ms(percentile(latencyNs, 50)),
                      QStringLiteral("ms"), {}, -1, n));
    r.add(alertFigure(what + QStringLiteral(" to webhook p99"), p99, QStringLiteral("ms"),
                      QStringLiteral("< 2000 ms"), metIf(p99 < 2000), n));
    r.add(alertFigure(what + QStringLiteral(" to webhook max"), ms(percentile(latencyNs, 100)),
                      QStringLiteral("ms")));
}

// A log rule: the condition is true when the matching line is written. Each app's container
// writes a line a second; every tenth (seq ending in 0) matches "1 line within 1 s": one
// firing and one resolution every 10 s per app.
void logLineToWebhook(const Options &o, Report &r) {
    const int firings = o.smoke ? 3 : 100;
    const int appCount = o.smoke ? 1 : 5;
    const int perApp = (firings + appCount - 1) / appCount;
    std::vector<std::unique_ptr<LogContainer>> containers;
    std::vector<std::unique_ptr<BenchClient>> viewers; // the lines' write times, per app
    AlertRig rig;
    QString error = rig.start();
    for (int i = 0; i < appCount && error.isEmpty(); ++i) {
        containers.push_back(
            std::make_unique<LogContainer>(containerName("alerts-log") + u'-' + QString::number(i),
                                           quint64(perApp) * 10 + 30, 80, 1));
        error = containers.back()->ok()
                    ? rig.addApp(containers.back()->name(),
                                 {{QStringLiteral("kind"), QStringLiteral("log")},
                                  {QStringLiteral("pattern"), QStringLiteral("^~L[0-9]*0 ")},
                                  {QStringLiteral("count"), 1},
                                  {QStringLiteral("withinSeconds"), 1}})
                    : QStringLiteral("no container");
        if (!error.isEmpty())
            break;
        viewers.push_back(std::make_unique<BenchClient>());
        viewers.back()->keepWritten = true;
        viewers.back()->open(
            rig.server.wsUrl(QStringLiteral("/ws/container/logs?appId=%1").arg(rig.apps.last())),
            rig.server.cookie());
        if (!waitUntil([&] { return viewers.back()->connected(); }, 10000) ||
            !containers.back()->start())
            error = QStringLiteral("viewer or container did not start");
        pumpFor(1700); // the apps' lines a little apart
    }
    if (!error.isEmpty()) {
        r.fail(QStringLiteral("alerts"), error);
        return;
    }
    waitUntil([&] { return rig.fired() >= firings; }, perApp * 10000 + 60000);
    pumpFor(500);
    std::vector<qint64> latencies;
    for (int i = 0; i < appCount; ++i) {
        std::vector<qint64> matching;
        for (const auto &[seq, writtenNs] : viewers[size_t(i)]->written)
            if (seq % 10 == 0)
                matching.push_back(writtenNs);
        const auto own = rig.latencies(i, matching);
        latencies.insert(latencies.end(), own.begin(), own.end());
    }
    reportLatency(
        r, QStringLiteral("log line"), latencies, firings,
        QStringLiteral("%1 apps, 1 matching line within 1 s every 10 s each").arg(appCount));
}

// A metric rule at 1 s sampling: each app's container is busy for 3 s of every 8 s of the
// host's clock (its CPU well over 30 %), the apps 2 s apart, and idle otherwise; the
// condition becomes true where its busy stretch begins.
void metricToWebhook(const Options &o, Report &r) {
    const int firings = o.smoke ? 3 : 100;
    const int appCount = o.smoke ? 1 : 4;
    const int perApp = (firings + appCount - 1) / appCount;
    QStringList names;
    const auto removeContainers = qScopeGuard([&] {
        for (const QString &name : std::as_const(names))
            docker({QStringLiteral("rm"), QStringLiteral("-f"), name});
    });
    AlertRig rig;
    QString error = rig.start();
    for (int i = 0; i < appCount && error.isEmpty(); ++i) {
        names << containerName("alerts-cpu") + u'-' + QString::number(i);
        docker({QStringLiteral("rm"), QStringLiteral("-f"), names.last()});
        bool ok = false;
        docker({QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--init"),
                QStringLiteral("--network"), QStringLiteral("none"), QStringLiteral("--name"),
                names.last(), QStringLiteral("mist-test-base:latest"), QStringLiteral("sh"),
                QStringLiteral("-c"),
                QStringLiteral("while true; do if [ $(( ($(date +%s) + %1) % 8 )) -lt 3 ]; then "
                               "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; else sleep "
                               "0.1; fi; done")
                    .arg(8 - 2 * i)},
               &ok);
        error =
            ok ? rig.addApp(names.last(), {{QStringLiteral("kind"), QStringLiteral("metric")},
                                           {QStringLiteral("field"), QStringLiteral("cpu.percent")},
                                           {QStringLiteral("op"), QStringLiteral(">")},
                                           {QStringLiteral("threshold"), 30},
                                           {QStringLiteral("forSeconds"), 0}})
               : QStringLiteral("no container");
    }
    if (!error.isEmpty()) {
        r.fail(QStringLiteral("alerts"), error);
        return;
    }
    // A firing may come from a busy stretch already under way: those before `from` are not
    // counted.
    waitUntil([&] { return rig.fired() >= appCount; }, 30000);
    rig.receiver.posts.clear();
    const qint64 from = realtimeNs();
    waitUntil([&] { return rig.fired() >= firings; }, perApp * 8000 + 60000);
    std::vector<qint64> latencies;
    constexpr qint64 Period = 8000000000, Second = 1000000000;
    for (int i = 0; i < appCount; ++i) {
        // App i is busy from each t with (t + 8 - 2 i) % 8 == 0, i.e. t % 8 == 2 i.
        std::vector<qint64> starts;
        for (qint64 t = (from / Period) * Period + 2 * i * Second; t < realtimeNs(); t += Period)
            if (t >= from)
                starts.push_back(t);
        const auto own = rig.latencies(i, starts);
        latencies.insert(latencies.end(), own.begin(), own.end());
    }
    reportLatency(r, QStringLiteral("app CPU (1 s sampling)"), latencies, firings,
                  QStringLiteral("%1 apps, CPU > 30 % for 0 s, busy 3 s of every 8").arg(appCount));
}

// What a server feeds the evaluator each second with 100 apps: 3 host figures, 2 per app,
// 10 lines per app (one in a hundred an ERROR), and a tick.
struct Second {
    QList<QByteArray> lines; // 1 000, app i's at [10 i, 10 i + 10)
};

Second makeSecond(QRandomGenerator &rng) {
    Second s;
    for (int app = 0; app < 100; ++app)
        for (int k = 0; k < 10; ++k)
            s.lines.append(
                rng.bounded(100) == 0
                    ? QByteArrayLiteral("2026-12-06 10:00:00 ERROR request failed: timeout")
                    : QByteArrayLiteral("2026-12-06 10:00:00 INFO GET /api/items 200 12ms"));
    return s;
}

QList<alerts::Rule> hundredRules() {
    QList<alerts::Rule> rules;
    for (int i = 0; i < 100; ++i) {
        alerts::Rule rule;
        rule.id = i + 1;
        rule.name = QStringLiteral("rule %1").arg(i);
        rule.appId = i + 1;
        rule.cooldownSeconds = 300;
        switch (i % 4) {
        case 0: // a log rule: 5 errors within a minute
            rule.kind = QStringLiteral("log");
            rule.pattern = QStringLiteral("ERROR|panic:|FATAL");
            rule.count = 5;
            rule.withinSeconds = 60;
            break;
        case 1: // a restart loop
            rule.kind = QStringLiteral("event");
            rule.event = QStringLiteral("restart_loop");
            rule.restarts = 3;
            rule.withinSeconds = 300;
            break;
        default: // CPU or memory over a threshold for a minute
            rule.kind = QStringLiteral("metric");
            rule.field =
                i % 4 == 2 ? QStringLiteral("cpu.percent") : QStringLiteral("memory.percent");
            rule.op = QStringLiteral(">");
            rule.threshold = 90;
            rule.forSeconds = 60;
        }
        rules.append(rule);
    }
    return rules;
}

void evaluationCost(const Options &o, Report &r) {
    const int seconds = o.smoke ? 30 : 600;
    QRandomGenerator rng(19);
    const Second second = makeSecond(rng);
    alerts::Evaluator evaluator;
    evaluator.setRules(hundredRules());
    qint64 transitions = 0;
    const qint64 start = cpuNs();
    for (int t = 0; t < seconds; ++t) {
        const qint64 at = qint64(t) * 1000;
        for (const char *field : {"cpu.usage", "memory.percent", "disk.percent"})
            transitions +=
                evaluator.metric(std::nullopt, QString::fromLatin1(field), 50, at).size();
        for (qint64 app = 1; app <= 100; ++app) {
            transitions +=
                evaluator.metric(app, QStringLiteral("cpu.percent"), rng.bounded(100.0), at).size();
            transitions +=
                evaluator.metric(app, QStringLiteral("memory.percent"), rng.bounded(95.0), at)
                    .size();
            for (int k = 0; k < 10; ++k)
                transitions +=
                    evaluator.logLine(app, second.lines[int(app - 1) * 10 + k], at + k * 100)
                        .size();
        }
        transitions += evaluator.tick(at + 999).size();
    }
    const double msPerSecond = double(cpuNs() - start) / 1e6 / seconds;
    // The baseline: RE2 alone over the lines the 25 log rules read (a quarter of the apps).
    const re2::RE2 re("ERROR|panic:|FATAL");
    qint64 matches = 0;
    const qint64 baseStart = cpuNs();
    for (int t = 0; t < seconds; ++t)
        for (int app = 0; app < 100; app += 4)
            for (int k = 0; k < 10; ++k) {
                const QByteArray &line = second.lines[app * 10 + k];
                matches += re2::RE2::PartialMatch(
                    re2::StringPiece(line.constData(), size_t(line.size())), re);
            }
    const double baseMs = double(cpuNs() - baseStart) / 1e6 / seconds;
    const QString note = QStringLiteral("%1 s of observations, %2 transitions, %3 baseline matches")
                             .arg(seconds)
                             .arg(transitions)
                             .arg(matches);
    r.add(alertFigure(QStringLiteral("evaluation, 100 rules x 100 apps"), msPerSecond,
                      QStringLiteral("ms CPU/s"), QStringLiteral("< 10 ms CPU/s (1 % of a core)"),
                      metIf(msPerSecond < 10), note));
    r.add(alertFigure(QStringLiteral("baseline: RE2 alone on the log rules' lines"), baseMs,
                      QStringLiteral("ms CPU/s")));
    r.add(alertFigure(QStringLiteral("evaluation / baseline"),
                      baseMs > 0 ? msPerSecond / baseMs : 0, QStringLiteral("x")));
}

} // namespace

void alerts(const Options &o, Report &r) {
    heading("alerts", QStringLiteral("condition to webhook; the evaluator's cost"));
    evaluationCost(o, r);
    logLineToWebhook(o, r);
    metricToWebhook(o, r);
}

} // namespace mist::bench
