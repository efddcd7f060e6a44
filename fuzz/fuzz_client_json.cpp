// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer target: every JSON message the client accepts from a server.
//
// The real StreamConnection (client/StreamConnection.h) is driven without a network: it opens
// its QWebSocket as usual (to a closed loopback port, never reached because no event loop
// runs), and the harness emits that socket's own signals, connected(), textMessageReceived()
// and disconnected(), as a server would cause them. The input is:
//   [stream selector] then one server message per line; a line "~" is a dropped connection
//   followed by a reconnect, "~c" a close frame (code 1000) followed by a reconnect.
// The selector picks /ws/metrics, /ws/container/logs?appId=7 or /ws/deployment/logs?
// deploymentId=3. Checked, against a model of the contract in StreamConnection.h:
// - message() is emitted for exactly the JSON objects among the lines, unchanged, except the
//   log lines the resume logic drops: on deployment logs an index that is not above every
//   index seen (never a repeated line), on container logs after a reconnect a line older than
//   the newest ts seen before it, or one of the lines already seen at exactly that ts;
// - the reconnect URL resumes where the stream was: since=<that ts> (read back by the server's
//   own singleQueryValue and parseEngineTimestampNs) or after=<that index>, appId kept;
// - a drop after `end` finishes with ended(); a close frame after an `error` finishes with
//   failed(<its message>); anything else reconnects, and attempt() restarts from 1 after a
//   connection that delivered something besides `error`;
// - mist::cli::metricsLine() of every object is one line of the documented shape;
// - the upstream dialect's translator turns every object into published shapes only
//   (metrics within 0..100 with an RFC 3339 timestamp, bounded log lines, known stages).

#include "FuzzSupport.h"

#include "MetricsLine.h"
#include "client/ServerSession.h"
#include "client/StreamConnection.h"
#include "protocol/Parsing.h"
#include "protocol/UpstreamDialect.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QRegularExpression>
#include <QUrlQuery>
#include <QWebSocket>

using namespace mist;
using client::StreamConnection;
using mist::fuzz::show;

namespace {

enum class Kind { Metrics, ContainerLogs, DeploymentLogs };

// What the contract says the client keeps and drops; reset when a stream starts over.
struct Model {
    Kind kind = Kind::Metrics;
    // Deployment logs.
    qint64 maxIndex = 0;
    // Container logs.
    bool haveTs = false;
    QString lastTs;
    qint64 lastNs = 0;
    QStringList atLastTs; // lines delivered with exactly lastTs
    QStringList replay;   // of those, the ones a resumed stream may send again
    bool resuming = false;
    // Per connection.
    bool endReceived = false;
    bool healthy = false;
    QString lastError;
    int attempt = 0;

    bool accepts(const QJsonObject &message) {
        const QString type = message.value(QStringLiteral("type")).toString();
        const QJsonObject data = message.value(QStringLiteral("data")).toObject();
        if (type == u"error")
            lastError = data.value(QStringLiteral("message")).toString();
        else if (!healthy)
            healthy = true;
        if (type == u"end")
            endReceived = true;
        if (type != u"log")
            return true;
        if (kind == Kind::DeploymentLogs) {
            const qint64 index = data.value(QStringLiteral("index")).toInteger(0);
            if (index <= 0)
                return true;
            if (index <= maxIndex)
                return false;
            maxIndex = index;
            return true;
        }
        if (kind != Kind::ContainerLogs)
            return true;
        const QString ts = data.value(QStringLiteral("ts")).toString();
        const auto ns = protocol::parseEngineTimestampNs(ts);
        if (!ns)
            return true; // nothing to compare it with
        const QString line = data.value(QStringLiteral("line")).toString();
        if (resuming) {
            if (*ns < lastNs)
                return false;
            if (*ns == lastNs && replay.removeOne(line))
                return false;
            if (*ns > lastNs) {
                resuming = false;
                replay.clear();
            }
        }
        if (!haveTs || *ns > lastNs) {
            haveTs = true;
            lastTs = ts;
            lastNs = *ns;
            atLastTs = QStringList{line};
        } else if (*ns == lastNs) {
            atLastTs << line;
        }
        return true;
    }

    void newConnection() { // the harness reconnects with open(), which starts attempt() over
        attempt = 0;
        endReceived = false;
        healthy = false;
        lastError.clear();
    }
};

QWebSocket *currentSocket(StreamConnection &conn) {
    const QList<QWebSocket *> sockets = conn.findChildren<QWebSocket *>(Qt::FindDirectChildrenOnly);
    FUZZ_CHECK(!sockets.isEmpty(), "no socket after open()");
    return sockets.last(); // released ones may still wait for their deleteLater
}

void checkMetricsLine(const QJsonObject &sample) {
    const QString line = cli::metricsLine(sample);
    const QString ts = sample.value(QStringLiteral("timestamp")).toString();
    FUZZ_CHECK(line.startsWith(ts + u' '), "metricsLine does not start with the timestamp: %s",
               show(line).constData());
    const QString rest = line.mid(ts.size() + 1);
    static const QRegularExpression shape(
        QStringLiteral("^(cpu [^ ]+% (\\(-?[0-9]+ cores?\\) )?)?"
                       "(mem [^ ]+% [^ /]+/[^ ]+ GiB )?"
                       "(disk [^ ]+% [^ /]+/[^ ]+ GiB )?"
                       "(load [^ ]+ [^ ]+ [^ ]+ )?"
                       "(containers -?[0-9]+/-?[0-9]+ images -?[0-9]+|docker unavailable)\\z"));
    const QRegularExpressionMatch m = shape.match(rest);
    FUZZ_CHECK(m.hasMatch(), "metricsLine: %s", show(line).constData());
    FUZZ_CHECK(m.hasCaptured(1) == sample.value(QStringLiteral("cpu")).isObject() &&
                   m.hasCaptured(3) == sample.value(QStringLiteral("memory")).isObject() &&
                   m.hasCaptured(4) == sample.value(QStringLiteral("disk")).isObject() &&
                   // the load average only when all three figures are numbers
                   m.hasCaptured(5) ==
                       (sample.value(QStringLiteral("load"))[u"one"].isDouble() &&
                        sample.value(QStringLiteral("load"))[u"five"].isDouble() &&
                        sample.value(QStringLiteral("load"))[u"fifteen"].isDouble()) &&
                   (rest.endsWith(QStringLiteral("docker unavailable")) !=
                    sample.value(QStringLiteral("docker")).isObject()),
               "metricsLine parts do not match the sample: %s", show(line).constData());
}

void checkResumeUrl(const StreamConnection &conn, const Model &model) {
    const QUrl url(conn.currentPathAndQuery());
    FUZZ_CHECK(url.isValid(), "currentPathAndQuery() %s", show(url.toString()).constData());
    const QUrlQuery query(url);
    if (model.kind == Kind::ContainerLogs) {
        FUZZ_CHECK(protocol::singleQueryValue(query, QStringLiteral("appId")) == u"7",
                   "appId lost: %s", show(url.toString()).constData());
        const auto since = protocol::singleQueryValue(query, QStringLiteral("since"));
        if (!model.haveTs) {
            FUZZ_CHECK(!query.hasQueryItem(QStringLiteral("since")), "since= before any line: %s",
                       show(url.toString()).constData());
            return;
        }
        FUZZ_CHECK(since == model.lastTs, "since= %s, expected %s (url %s)",
                   show(since.value_or(QStringLiteral("<none>"))).constData(),
                   show(model.lastTs).constData(), show(url.toString()).constData());
        FUZZ_CHECK(protocol::parseEngineTimestampNs(*since) == model.lastNs,
                   "the server reads since=%s differently", show(*since).constData());
    } else if (model.kind == Kind::DeploymentLogs) {
        FUZZ_CHECK(protocol::singleQueryValue(query, QStringLiteral("deploymentId")) == u"3",
                   "deploymentId lost: %s", show(url.toString()).constData());
        const auto after = protocol::singleQueryValue(query, QStringLiteral("after"));
        if (model.maxIndex > 0)
            FUZZ_CHECK(after == QString::number(model.maxIndex), "after= %s, expected %lld",
                       show(after.value_or(QStringLiteral("<none>"))).constData(),
                       qlonglong(model.maxIndex));
        else
            FUZZ_CHECK(!after, "after= before any indexed line");
    }
}

client::ServerSession *session() {
    static client::ServerSession *s = [] {
        auto *created = new client::ServerSession(QUrl(QStringLiteral("http://127.0.0.1:9")));
        created->setToken("fuzz");
        return created;
    }();
    return s;
}

// Upstream Mist's dialect: whatever an upstream server sends, the translator
// hands on only the published shapes, within their ranges.
void checkUpstreamTranslation(const QJsonObject &object) {
    namespace up = protocol::upstream;
    static up::MessageTranslator metrics(up::Stream::Metrics);
    static up::MessageTranslator logs(up::Stream::ContainerLogs);
    static up::MessageTranslator deployment(up::Stream::DeploymentLogs);
    auto inRange = [](const QJsonValue &v) {
        return v.isDouble() && v.toDouble() >= 0 && v.toDouble() <= 100;
    };
    const QList<QJsonObject> samples = metrics.translate(object);
    FUZZ_CHECK(samples.size() <= 1, "metrics: %lld messages for one", qlonglong(samples.size()));
    for (const QJsonObject &m : samples) {
        FUZZ_CHECK(inRange(m[u"cpu"][u"usage"]) && inRange(m[u"memory"][u"percent"]) &&
                       inRange(m[u"disk"][u"percent"]),
                   "metrics out of range: %s",
                   QJsonDocument(m).toJson(QJsonDocument::Compact).constData());
        const QString ts = m[u"timestamp"].toString();
        FUZZ_CHECK(ts.endsWith(u'Z') && protocol::parseEngineTimestampNs(ts).has_value(),
                   "metrics timestamp %s", qPrintable(ts));
        checkMetricsLine(m);
    }
    for (const QJsonObject &m : logs.translate(object)) {
        FUZZ_CHECK(m[u"type"].isString(), "container logs: message without a type");
        if (m[u"type"].toString() == u"log")
            FUZZ_CHECK(m[u"data"][u"line"].isString() &&
                           m[u"data"][u"line"].toString().size() <=
                               1024 * 1024 + up::LinePieceJoiner::PieceBytes,
                       "container logs: bad or unbounded line");
    }
    static const QStringList stages{QString(), QStringLiteral("cloning_repo"),
                                    QStringLiteral("building_image"),
                                    QStringLiteral("starting_new"), QStringLiteral("completed")};
    for (const QJsonObject &m : deployment.translate(object)) {
        if (m[u"type"].toString() != u"status")
            continue;
        FUZZ_CHECK(
            inRange(m[u"data"][u"progress"]) && stages.contains(m[u"data"][u"stage"].toString()),
            "deployment status: %s", QJsonDocument(m).toJson(QJsonDocument::Compact).constData());
    }
    for (const QJsonObject &closing : deployment.closingMessages())
        FUZZ_CHECK(closing[u"type"].toString() == u"end" || closing[u"type"].toString() == u"error",
                   "deployment closing message");
}

// One StreamConnection fed the fuzzer's lines, and what the contract says it must do.
struct Harness {
    explicit Harness(Kind k)
        : conn(session(), k == Kind::Metrics ? QStringLiteral("/ws/metrics")
                          : k == Kind::ContainerLogs
                              ? QStringLiteral("/ws/container/logs?appId=7")
                              : QStringLiteral("/ws/deployment/logs?deploymentId=3"))
        , kind(k) {
        model.kind = k;
        QObject::connect(&conn, &StreamConnection::message,
                         [this](const QJsonObject &m) { delivered.append(m); });
        QObject::connect(&conn, &StreamConnection::ended, [this] { ++endedCount; });
        QObject::connect(&conn, &StreamConnection::failed,
                         [this](const QString &why) { failures.append(why); });
    }

    // The socket goes away ("~"), after a close frame ("~c"); then a new connection.
    void drop(bool closeFrame) {
        const int endedBefore = endedCount;
        const qsizetype failuresBefore = failures.size();
        if (closeFrame)
            Q_EMIT socket->aboutToClose();
        Q_EMIT socket->disconnected();
        if (model.endReceived) {
            FUZZ_CHECK(conn.state() == StreamConnection::State::Finished &&
                           endedCount == endedBefore + 1,
                       "a drop after `end`: state %d, ended() %d times", int(conn.state()),
                       endedCount - endedBefore);
        } else if (closeFrame && !model.lastError.isEmpty()) {
            FUZZ_CHECK(conn.state() == StreamConnection::State::Finished &&
                           failures.size() == failuresBefore + 1 &&
                           failures.last() == model.lastError,
                       "close 1000 after error %s: state %d, failed(%s)",
                       show(model.lastError).constData(), int(conn.state()),
                       show(failures.value(failuresBefore)).constData());
        } else {
            FUZZ_CHECK(conn.state() == StreamConnection::State::Reconnecting,
                       "state %d after a drop", int(conn.state()));
            model.attempt = model.healthy ? 1 : model.attempt + 1; // +1 on top of 0
            FUZZ_CHECK(conn.attempt() == model.attempt, "attempt() %d, expected %d", conn.attempt(),
                       model.attempt);
        }
        if (conn.state() == StreamConnection::State::Finished) {
            // Opened again after the end: a new stream, no resume position.
            const Kind k = model.kind;
            model = Model{};
            model.kind = k;
        } else {
            if (kind == Kind::ContainerLogs && model.haveTs) {
                model.replay = model.atLastTs;
                model.resuming = true;
            }
            checkResumeUrl(conn, model);
            conn.close(); // stops the retry timer; open() reconnects at once, resuming
            FUZZ_CHECK(conn.state() == StreamConnection::State::Idle, "state %d after close()",
                       int(conn.state()));
        }
        model.newConnection();
        conn.open();
        socket = currentSocket(conn);
        Q_EMIT socket->connected();
        FUZZ_CHECK(conn.state() == StreamConnection::State::Connected,
                   "state %d after reconnecting", int(conn.state()));
    }

    // One text frame.
    void receive(const QByteArray &line) {
        const QString text = QString::fromUtf8(line);
        const qsizetype before = delivered.size();
        Q_EMIT socket->textMessageReceived(text);
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
        if (!doc.isObject()) {
            FUZZ_CHECK(delivered.size() == before, "a message() for a non-object %s",
                       show(line).constData());
            return;
        }
        const QJsonObject object = doc.object();
        const bool expected = model.accepts(object);
        FUZZ_CHECK(delivered.size() == before + (expected ? 1 : 0),
                   "%s: message() %s, the contract says %s", show(line).constData(),
                   delivered.size() > before ? "emitted" : "not emitted",
                   expected ? "deliver" : "drop");
        if (expected)
            FUZZ_CHECK(delivered.last() == object, "message() changed %s", show(line).constData());
        FUZZ_CHECK(conn.state() == StreamConnection::State::Connected, "state %d after a message",
                   int(conn.state()));
        checkMetricsLine(object);
        checkUpstreamTranslation(object);
    }

    StreamConnection conn;
    const Kind kind;
    Model model;
    QList<QJsonObject> delivered;
    int endedCount = 0;
    QStringList failures;
    QWebSocket *socket = nullptr;
};

void run(QByteArrayView input) {
    Harness h(Kind(uchar(input[0]) % 3));
    h.conn.open();
    FUZZ_CHECK(h.conn.state() == StreamConnection::State::Connecting, "state %d after open()",
               int(h.conn.state()));
    h.socket = currentSocket(h.conn);
    Q_EMIT h.socket->connected();
    FUZZ_CHECK(h.conn.state() == StreamConnection::State::Connected, "state %d after connected()",
               int(h.conn.state()));
    for (const QByteArray &line : input.sliced(1).toByteArray().split('\n')) {
        if (line == "~" || line == "~c")
            h.drop(line == "~c");
        else
            h.receive(line);
    }
    checkResumeUrl(h.conn, h.model);
    h.conn.close();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    static int argc = 1;
    static char name[] = "fuzz_client_json";
    static char *argv[] = {name, nullptr};
    new QCoreApplication(argc, argv);
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    session();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 64 * 1024)
        return 0;
    run(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    // Sockets released by the connection are deleted later; do it now, run by run.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
