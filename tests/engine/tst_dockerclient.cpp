// SPDX-License-Identifier: GPL-3.0-or-later

// DockerClient against the real (private) Docker engine named by $DOCKER_HOST.
#include "engine/DockerClient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include <memory>
#include <optional>

using namespace mist::engine;

namespace {

constexpr int kWaitMs = 20000;

// Splits the engine's multiplexed (non-TTY) log stream: 8-byte header {stream, 0, 0, 0, size
// big-endian} then the payload. Returns false on a malformed header.
bool demultiplex(const QByteArray &raw, QByteArray *out) {
    int pos = 0;
    while (pos + 8 <= raw.size()) {
        const auto type = uchar(raw.at(pos));
        if (type > 2)
            return false;
        const quint32 size =
            (quint32(uchar(raw.at(pos + 4))) << 24) | (quint32(uchar(raw.at(pos + 5))) << 16) |
            (quint32(uchar(raw.at(pos + 6))) << 8) | quint32(uchar(raw.at(pos + 7)));
        if (pos + 8 + int(size) > raw.size())
            return false;
        out->append(raw.mid(pos + 8, int(size)));
        pos += 8 + int(size);
    }
    return pos == raw.size();
}

// "2026-...Z line7" -> "line7" (timestamps=1 prefixes every line with an RFC 3339 time).
QStringList logLines(const QByteArray &payload) {
    QStringList lines;
    for (const QByteArray &l : payload.split('\n')) {
        if (l.isEmpty())
            continue;
        const int sp = l.indexOf(' ');
        lines << QString::fromUtf8(sp >= 0 ? l.mid(sp + 1) : l);
    }
    return lines;
}

QStringList numbered(const QString &prefix, int n) {
    QStringList out;
    for (int i = 1; i <= n; ++i)
        out << prefix + QString::number(i);
    return out;
}

} // namespace

class TestDockerClient : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();

    void ping();
    void pingWithExplicitVersion();
    void version();
    void containersJson();
    void queryNeedingEncoding();
    void unknownContainerGives404WithEngineMessage();
    void postWithJsonBody();
    void neverCallsBackSynchronously();
    void contextDestroyedSkipsCallback();
    void fiftyConcurrentRequests();
    void followLogsStream();
    void streamNon2xxCollectsBody();
    void pauseAndResumeStream();
    void unreachableSocket();
    void unreachableSocketStream();
    void requestTimeout();
    void bodyCap();
    void deleteStreamInsideDataSlot();
    void abortStreamMidTransfer();
    void deleteClientWithRequestsInFlight();
    void deleteClientInsideCallback();
    void deleteClientInsideStreamData();

private:
    QString docker(const QStringList &args);
    QString runContainer(const QString &script);
    std::optional<DockerReply> call(DockerClient &c, const QByteArray &method, const QString &path,
                                    const QByteArray &body = {});

    DockerHost m_host;
    QStringList m_containers;
};

QString TestDockerClient::docker(const QStringList &args) {
    QProcess p;
    p.setProgram(QStringLiteral("docker"));
    p.setArguments(args);
    p.start();
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning() << "docker" << args << "failed:" << p.readAllStandardError();
        return {};
    }
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

QString TestDockerClient::runContainer(const QString &script) {
    const QString id =
        docker({QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--network"),
                QStringLiteral("none"), QStringLiteral("--init"), QStringLiteral("mist-test-base"),
                QStringLiteral("sh"), QStringLiteral("-c"), script});
    if (!id.isEmpty())
        m_containers << id;
    return id;
}

std::optional<DockerReply> TestDockerClient::call(DockerClient &c, const QByteArray &method,
                                                  const QString &path, const QByteArray &body) {
    std::optional<DockerReply> out;
    QObject context;
    c.request(
        method, path, &context, [&out](const DockerReply &r) { out = r; }, body);
    if (!QTest::qWaitFor([&] { return out.has_value(); }, kWaitMs))
        qWarning() << "no reply within" << kWaitMs << "ms for" << method << path;
    return out;
}

void TestDockerClient::initTestCase() {
    // The suite always runs against a private engine; a missing one is a broken setup, not a
    // reason to skip.
    if (qEnvironmentVariableIsEmpty("DOCKER_HOST"))
        QFAIL("DOCKER_HOST is not set; start a private engine (scripts/test-dockerd.sh start DIR)");
    const auto host = DockerHost::fromEnvironment({});
    QVERIFY2(host, qPrintable(host.error()));
    m_host = *host;
    QVERIFY2(!docker({QStringLiteral("version"), QStringLiteral("--format"),
                      QStringLiteral("{{.Server.APIVersion}}")})
                  .isEmpty(),
             "the docker CLI cannot reach $DOCKER_HOST");
}

void TestDockerClient::cleanup() {
    if (!m_containers.isEmpty()) {
        docker(QStringList{QStringLiteral("rm"), QStringLiteral("-f")} + m_containers);
        m_containers.clear();
    }
}

void TestDockerClient::ping() {
    DockerClient c(m_host);
    const auto r = call(c, "GET", QStringLiteral("/_ping"));
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(r->error));
    QCOMPARE(r->httpStatus, 200);
    QCOMPARE(r->body, QByteArray("OK"));
    QVERIFY(r->error.isEmpty());
    // A path without the leading slash is taken as if it had one.
    const auto r2 = call(c, "GET", QStringLiteral("_ping"));
    QVERIFY(r2);
    QCOMPARE(r2->body, QByteArray("OK"));
}

void TestDockerClient::pingWithExplicitVersion() {
    DockerClient c(m_host);
    const auto r = call(c, "GET", QStringLiteral("/v1.41/_ping"));
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(r->error));
    QCOMPARE(r->body, QByteArray("OK"));
    const auto head = call(c, "HEAD", QStringLiteral("/_ping"));
    QVERIFY(head);
    QCOMPARE(head->httpStatus, 200);
    QVERIFY(head->body.isEmpty());
}

void TestDockerClient::version() {
    DockerClient c(m_host);
    QCOMPARE(c.host().toString(), m_host.toString());
    const auto r = call(c, "GET", QStringLiteral("/version"));
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(r->error));
    const QJsonObject o = r->json().object();
    QCOMPARE(o.value(QLatin1String("ApiVersion")).toString(), QStringLiteral("1.41"));
    QVERIFY(!o.value(QLatin1String("Version")).toString().isEmpty());
}

void TestDockerClient::containersJson() {
    const QString id = runContainer(QStringLiteral("true"));
    QVERIFY(!id.isEmpty());
    DockerClient c(m_host);
    const auto r = call(c, "GET", QStringLiteral("/containers/json?all=1"));
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(r->error));
    QVERIFY(r->json().isArray());
    bool found = false;
    for (const QJsonValue &v : r->json().array())
        found = found || v.toObject().value(QLatin1String("Id")).toString() == id;
    QVERIFY2(found, "the container just created is not listed");
}

void TestDockerClient::queryNeedingEncoding() {
    // filters is raw JSON with quotes, braces and brackets: the client must encode it.
    const QString id = runContainer(QStringLiteral("true"));
    QVERIFY(!id.isEmpty());
    DockerClient c(m_host);
    const auto r =
        call(c, "GET", QStringLiteral("/containers/json?all=1&filters={\"id\": [\"%1\"]}").arg(id));
    QVERIFY(r);
    QVERIFY2(r->ok(), qPrintable(r->error));
    const QJsonArray list = r->json().array();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.at(0).toObject().value(QLatin1String("Id")).toString(), id);
}

void TestDockerClient::unknownContainerGives404WithEngineMessage() {
    DockerClient c(m_host);
    const auto r = call(c, "GET", QStringLiteral("/containers/mist-no-such-container/json"));
    QVERIFY(r);
    QCOMPARE(r->httpStatus, 404);
    QVERIFY(!r->ok());
    QCOMPARE(r->error, QStringLiteral("No such container: mist-no-such-container"));
    QVERIFY(r->body.contains("No such container"));
}

void TestDockerClient::postWithJsonBody() {
    // Create a container through the API with a JSON body, then remove it with DELETE.
    DockerClient c(m_host);
    const QByteArray body =
        R"({"Image":"mist-test-base","Cmd":["true"],"HostConfig":{"Init":true,"NetworkMode":"none"}})";
    const auto created = call(c, "POST", QStringLiteral("/containers/create"), body);
    QVERIFY(created);
    QVERIFY2(created->httpStatus == 201, qPrintable(created->error));
    const QString id = created->json().object().value(QLatin1String("Id")).toString();
    QVERIFY(!id.isEmpty());
    m_containers << id;

    const auto removed = call(c, "DELETE", QStringLiteral("/containers/%1?force=1").arg(id));
    QVERIFY(removed);
    QVERIFY2(removed->httpStatus == 204, qPrintable(removed->error));

    // An error for a bad body comes back as the engine's message (20.10 answers 500 here).
    const auto bad = call(c, "POST", QStringLiteral("/containers/create"), "{not json");
    QVERIFY(bad);
    QVERIFY2(bad->httpStatus >= 400, qPrintable(QString::number(bad->httpStatus)));
    QVERIFY(!bad->error.isEmpty());
    QVERIFY(!bad->error.startsWith(QLatin1Char('{')));
}

void TestDockerClient::neverCallsBackSynchronously() {
    DockerClient c(m_host);
    bool called = false;
    bool inside = true;
    bool calledInside = false;
    c.request("GET", QStringLiteral("/_ping"), this, [&](const DockerReply &) {
        called = true;
        calledInside = inside;
    });
    inside = false;
    QVERIFY(!called);
    QTRY_VERIFY_WITH_TIMEOUT(called, kWaitMs);
    QVERIFY(!calledInside);

    // The same for a failure that is known up front and for a stream's signals.
    DockerHost broken;
    broken.socketPath = QStringLiteral("/nonexistent/mist/docker.sock");
    DockerClient bad(broken);
    called = false;
    bad.request("GET", QStringLiteral("/_ping"), this, [&](const DockerReply &) { called = true; });
    QVERIFY(!called);
    QTRY_VERIFY_WITH_TIMEOUT(called, kWaitMs);

    std::unique_ptr<DockerStream> s(c.stream("GET", QStringLiteral("/_ping")));
    QSignalSpy started(s.get(), &DockerStream::started);
    QSignalSpy finished(s.get(), &DockerStream::finished);
    QCOMPARE(started.count(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QCOMPARE(started.count(), 1);
    QCOMPARE(started.at(0).at(0).toInt(), 200);
    QVERIFY(started.at(0).at(1).toByteArray().startsWith("text/plain"));
}

void TestDockerClient::contextDestroyedSkipsCallback() {
    DockerClient c(m_host);
    auto *context = new QObject;
    bool called = false;
    c.request("GET", QStringLiteral("/version"), context,
              [&](const DockerReply &) { called = true; });
    delete context;
    bool otherDone = false;
    c.request("GET", QStringLiteral("/version"), this,
              [&](const DockerReply &) { otherDone = true; });
    QTRY_VERIFY_WITH_TIMEOUT(otherDone, kWaitMs);
    QTest::qWait(100);
    QVERIFY(!called);
}

void TestDockerClient::fiftyConcurrentRequests() {
    DockerClient c(m_host);
    constexpr int n = 50;
    int done = 0, ok = 0;
    for (int i = 0; i < n; ++i) {
        const QString path = (i % 2) ? QStringLiteral("/version")
                                     : QStringLiteral("/containers/json?all=1&n=%1").arg(i);
        c.request("GET", path, this, [&](const DockerReply &r) {
            ++done;
            if (r.ok() && !r.json().isNull())
                ++ok;
            else
                qWarning() << "failed:" << r.httpStatus << r.error;
        });
    }
    QCOMPARE(done, 0);
    QTRY_COMPARE_WITH_TIMEOUT(done, n, 30000);
    QCOMPARE(ok, n);
    QTest::qWait(50);
    QCOMPARE(done, n); // each callback exactly once
}

void TestDockerClient::followLogsStream() {
    const QString id =
        runContainer(QStringLiteral("for i in $(seq 1 50); do echo line$i; sleep 0.02; done"));
    QVERIFY(!id.isEmpty());

    DockerClient c(m_host);
    QCOMPARE(c.activeStreams(), 0);
    const quint64 openedBefore = c.streamsOpened();
    QObject owner;
    DockerStream *s = c.stream(
        "GET",
        QStringLiteral("/containers/%1/logs?follow=1&stdout=1&stderr=1&timestamps=1").arg(id));
    s->setParent(&owner);
    QCOMPARE(c.streamsOpened(), openedBefore + 1);
    QCOMPARE(c.activeStreams(), 1);

    int startedStatus = 0;
    QByteArray contentType, raw;
    int dataSignals = 0;
    int activeAtFinish = -1;
    std::optional<DockerReply> reply;
    connect(s, &DockerStream::started, this, [&](int status, const QByteArray &ct) {
        startedStatus = status;
        contentType = ct;
    });
    connect(s, &DockerStream::data, this, [&](const QByteArray &bytes) {
        QVERIFY(!bytes.isEmpty());
        QVERIFY(!reply);
        ++dataSignals;
        raw += bytes;
    });
    connect(s, &DockerStream::finished, this, [&](const DockerReply &r) {
        reply = r;
        activeAtFinish = c.activeStreams();
    });

    QTRY_VERIFY_WITH_TIMEOUT(reply.has_value(), 30000);
    QCOMPARE(startedStatus, 200);
    QCOMPARE(s->httpStatus(), 200);
    // Engine 20.10 sends no Content-Type for logs (newer engines say raw vs multiplexed); the
    // framing has to follow from the container's Tty setting. Whatever came is passed through.
    QVERIFY(contentType.isEmpty() || contentType.startsWith("application/vnd.docker."));
    QVERIFY2(reply->ok(), qPrintable(reply->error));
    QVERIFY(reply->error.isEmpty());
    QVERIFY(reply->body.isEmpty()); // 2xx bytes went through data()
    QVERIFY2(dataSignals > 1, "log lines did not arrive incrementally");
    QCOMPARE(activeAtFinish, 0);
    QCOMPARE(c.activeStreams(), 0);
    QVERIFY(!s->isRunning());

    QByteArray payload;
    QVERIFY(demultiplex(raw, &payload));
    QCOMPARE(logLines(payload), numbered(QStringLiteral("line"), 50));

    // The container has exited by the time the stream ends.
    const auto state = call(c, "GET", QStringLiteral("/containers/%1/json").arg(id));
    QVERIFY(state);
    QCOMPARE(state->json()
                 .object()
                 .value(QLatin1String("State"))
                 .toObject()
                 .value(QLatin1String("Running"))
                 .toBool(true),
             false);
    QCOMPARE(c.streamsOpened(), openedBefore + 1);
}

void TestDockerClient::streamNon2xxCollectsBody() {
    DockerClient c(m_host);
    std::unique_ptr<DockerStream> s(
        c.stream("GET", QStringLiteral("/containers/mist-nope/logs?follow=1&stdout=1")));
    QSignalSpy started(s.get(), &DockerStream::started);
    QSignalSpy data(s.get(), &DockerStream::data);
    QSignalSpy finished(s.get(), &DockerStream::finished);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QCOMPARE(started.count(), 1);
    QCOMPARE(started.at(0).at(0).toInt(), 404);
    QCOMPARE(data.count(), 0);
    const auto reply = finished.at(0).at(0).value<DockerReply>();
    QCOMPARE(reply.httpStatus, 404);
    QCOMPARE(reply.error, QStringLiteral("No such container: mist-nope"));
    QCOMPARE(c.activeStreams(), 0);
}

void TestDockerClient::pauseAndResumeStream() {
    // Enough output (~1 MB) that libcurl really has to hold data back while paused.
    const QString pad(400, QLatin1Char('x'));
    const QString id = runContainer(
        QStringLiteral("for i in $(seq 1 2500); do echo row$i %1; done; sleep 0.3; echo last")
            .arg(pad));
    QVERIFY(!id.isEmpty());

    DockerClient c(m_host);
    std::unique_ptr<DockerStream> s(
        c.stream("GET", QStringLiteral("/containers/%1/logs?follow=1&stdout=1&stderr=1").arg(id)));
    QByteArray raw;
    int chunksWhilePaused = 0;
    int chunks = 0;
    bool finished = false;
    connect(s.get(), &DockerStream::data, this, [&](const QByteArray &bytes) {
        if (s->isPaused())
            ++chunksWhilePaused;
        raw += bytes;
        if (++chunks == 1)
            s->pause(); // pause from inside the data slot
    });
    connect(s.get(), &DockerStream::finished, this, [&](const DockerReply &r) {
        QVERIFY2(r.ok(), qPrintable(r.error));
        finished = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(s->isPaused(), kWaitMs);
    const int sizeAtPause = raw.size();
    QTest::qWait(1200); // the container finishes meanwhile; nothing may be delivered
    QCOMPARE(raw.size(), sizeAtPause);
    QVERIFY(!finished);
    QCOMPARE(c.activeStreams(), 1);
    s->resume();
    QTRY_VERIFY_WITH_TIMEOUT(finished, 30000);
    QCOMPARE(chunksWhilePaused, 0);

    QByteArray payload;
    QVERIFY(demultiplex(raw, &payload));
    QStringList expected;
    for (int i = 1; i <= 2500; ++i)
        expected << QStringLiteral("row%1 %2").arg(i).arg(pad);
    expected << QStringLiteral("last");
    QStringList lines;
    for (const QByteArray &l : payload.split('\n'))
        if (!l.isEmpty())
            lines << QString::fromUtf8(l);
    QCOMPARE(lines.size(), expected.size());
    QCOMPARE(lines, expected);
}

void TestDockerClient::unreachableSocket() {
    DockerHost h;
    h.kind = DockerHost::Kind::Unix;
    h.socketPath = QStringLiteral("/tmp/mist-no-such-dir/docker.sock");
    DockerClient c(h);
    const auto r = call(c, "GET", QStringLiteral("/_ping"));
    QVERIFY(r);
    QCOMPARE(r->httpStatus, 0);
    QVERIFY(!r->ok());
    QVERIFY(r->body.isEmpty());
    QVERIFY2(r->error.contains(h.socketPath), qPrintable(r->error));
    QVERIFY2(r->error.contains(QLatin1String("No such file or directory")), qPrintable(r->error));
    qInfo() << "error text:" << r->error;
}

void TestDockerClient::unreachableSocketStream() {
    DockerHost h;
    h.socketPath = QStringLiteral("/tmp/mist-no-such-dir/docker.sock");
    DockerClient c(h);
    std::unique_ptr<DockerStream> s(c.stream("GET", QStringLiteral("/events")));
    QSignalSpy started(s.get(), &DockerStream::started);
    QSignalSpy finished(s.get(), &DockerStream::finished);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QCOMPARE(started.count(), 0);
    const auto reply = finished.at(0).at(0).value<DockerReply>();
    QCOMPARE(reply.httpStatus, 0);
    QVERIFY(!reply.error.isEmpty());
    QCOMPARE(c.activeStreams(), 0);
    QCOMPARE(s->httpStatus(), 0);
}

void TestDockerClient::requestTimeout() {
    const QString id = runContainer(QStringLiteral("sleep 30"));
    QVERIFY(!id.isEmpty());
    DockerClient c(m_host);
    QCOMPARE(c.requestTimeoutMs(), 60000);
    c.setRequestTimeoutMs(300);
    QElapsedTimer t;
    t.start();
    // /wait only answers when the container exits: a plain request must give up.
    const auto r = call(c, "POST", QStringLiteral("/containers/%1/wait").arg(id));
    QVERIFY(r);
    QCOMPARE(r->httpStatus, 0);
    QVERIFY2(r->error.contains(QLatin1String("imed out"), Qt::CaseInsensitive),
             qPrintable(r->error));
    QVERIFY(t.elapsed() < 5000);

    // Streams are exempt from the overall timeout.
    std::unique_ptr<DockerStream> s(
        c.stream("GET", QStringLiteral("/containers/%1/logs?follow=1&stdout=1").arg(id)));
    QSignalSpy finished(s.get(), &DockerStream::finished);
    QTest::qWait(800);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(c.activeStreams(), 1);
}

void TestDockerClient::bodyCap() {
    DockerClient c(m_host);
    QCOMPARE(c.maxBodyBytes(), qint64(64) * 1024 * 1024);
    c.setMaxBodyBytes(16);
    const auto r = call(c, "GET", QStringLiteral("/version"));
    QVERIFY(r);
    QCOMPARE(r->httpStatus, 0);
    QVERIFY(!r->ok());
    QVERIFY2(r->error.contains(QLatin1String("limit")), qPrintable(r->error));
    const auto small = call(c, "GET", QStringLiteral("/_ping")); // "OK" fits
    QVERIFY(small);
    QVERIFY(small->ok());
}

void TestDockerClient::deleteStreamInsideDataSlot() {
    const QString id = runContainer(QStringLiteral("while true; do echo tick; sleep 0.02; done"));
    QVERIFY(!id.isEmpty());
    DockerClient c(m_host);
    DockerStream *s =
        c.stream("GET", QStringLiteral("/containers/%1/logs?follow=1&stdout=1").arg(id));
    QPointer<DockerStream> guard(s);
    int dataCount = 0;
    bool finished = false;
    connect(s, &DockerStream::data, this, [&](const QByteArray &) {
        ++dataCount;
        delete s; // the stream dies while its own data signal is being emitted
    });
    connect(s, &DockerStream::finished, this, [&](const DockerReply &) { finished = true; });
    QTRY_VERIFY_WITH_TIMEOUT(!guard, kWaitMs);
    QCOMPARE(c.activeStreams(), 0);
    QTest::qWait(300); // the container keeps writing: nothing may reach the dead stream
    QCOMPARE(dataCount, 1);
    QVERIFY(!finished);
    // The client is still usable afterwards.
    const auto r = call(c, "GET", QStringLiteral("/_ping"));
    QVERIFY(r && r->ok());
}

void TestDockerClient::abortStreamMidTransfer() {
    const QString id = runContainer(QStringLiteral("while true; do echo tick; sleep 0.02; done"));
    QVERIFY(!id.isEmpty());
    DockerClient c(m_host);
    std::unique_ptr<DockerStream> s(
        c.stream("GET", QStringLiteral("/containers/%1/logs?follow=1&stdout=1").arg(id)));
    QSignalSpy data(s.get(), &DockerStream::data);
    QSignalSpy finished(s.get(), &DockerStream::finished);
    QTRY_VERIFY_WITH_TIMEOUT(data.count() >= 3, kWaitMs);
    QVERIFY(s->isRunning());
    s->abort();
    QVERIFY(!s->isRunning());
    QCOMPARE(c.activeStreams(), 0);
    const int seen = data.count();
    QTest::qWait(300);
    QCOMPARE(data.count(), seen);
    QCOMPARE(finished.count(), 0);
    s->abort(); // idempotent
    s->pause();
    s->resume();
    s.reset(); // deleting an aborted stream is fine too

    // Deleting (rather than aborting) a running stream from outside any slot.
    DockerStream *s2 = c.stream("GET", QStringLiteral("/containers/%1/logs?follow=1").arg(id) +
                                           QStringLiteral("&stdout=1"));
    QSignalSpy data2(s2, &DockerStream::data);
    QTRY_VERIFY_WITH_TIMEOUT(data2.count() >= 2, kWaitMs);
    delete s2;
    QCOMPARE(c.activeStreams(), 0);
    QTest::qWait(100);
    QCOMPARE(c.streamsOpened(), quint64(2));
}

void TestDockerClient::deleteClientWithRequestsInFlight() {
    const QString id = runContainer(QStringLiteral("while true; do echo tick; sleep 0.02; done"));
    QVERIFY(!id.isEmpty());

    auto *c = new DockerClient(m_host);
    bool deleted = false;
    int calledAfterDelete = 0;
    for (int i = 0; i < 20; ++i) {
        c->request("GET", QStringLiteral("/containers/json?all=1"), this, [&](const DockerReply &) {
            if (deleted)
                ++calledAfterDelete;
        });
    }
    // /wait answers only when the container exits, so these are certainly still in flight.
    for (int i = 0; i < 5; ++i) {
        c->request("POST", QStringLiteral("/containers/%1/wait").arg(id), this,
                   [&](const DockerReply &) { ++calledAfterDelete; });
    }
    std::unique_ptr<DockerStream> s(
        c->stream("GET", QStringLiteral("/containers/%1/logs?follow=1&stdout=1").arg(id)));
    int streamSignalsAfterDelete = 0;
    connect(s.get(), &DockerStream::data, this, [&] {
        if (deleted)
            ++streamSignalsAfterDelete;
    });
    connect(s.get(), &DockerStream::finished, this, [&] {
        if (deleted)
            ++streamSignalsAfterDelete;
    });
    // Let the transfers get going (connected, partly answered), then delete the client from
    // the event loop while they are in flight.
    QTimer::singleShot(3, this, [&] {
        delete c;
        deleted = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(deleted, kWaitMs);
    QTest::qWait(300);
    QCOMPARE(calledAfterDelete, 0);
    QCOMPARE(streamSignalsAfterDelete, 0);
    // The orphaned stream is inert; all of this must be harmless.
    QVERIFY(!s->isRunning());
    s->pause();
    s->resume();
    s->abort();
    s.reset();
}

void TestDockerClient::deleteClientInsideCallback() {
    QPointer<DockerClient> c = new DockerClient(m_host);
    int calls = 0;
    for (int i = 0; i < 10; ++i) {
        c->request("GET", QStringLiteral("/_ping"), this, [&](const DockerReply &) {
            ++calls;
            delete c.data(); // the remaining callbacks must not run
        });
    }
    QTRY_VERIFY_WITH_TIMEOUT(c.isNull(), kWaitMs);
    QTest::qWait(200);
    QCOMPARE(calls, 1);
}

void TestDockerClient::deleteClientInsideStreamData() {
    const QString id = runContainer(QStringLiteral("while true; do echo tick; sleep 0.02; done"));
    QVERIFY(!id.isEmpty());
    QPointer<DockerClient> c = new DockerClient(m_host);
    QObject owner;
    DockerStream *s =
        c->stream("GET", QStringLiteral("/containers/%1/logs?follow=1&stdout=1").arg(id));
    s->setParent(&owner);
    int data = 0;
    bool finished = false;
    connect(s, &DockerStream::data, this, [&] {
        ++data;
        delete c.data();
    });
    connect(s, &DockerStream::finished, this, [&] { finished = true; });
    QTRY_VERIFY_WITH_TIMEOUT(c.isNull(), kWaitMs);
    QTest::qWait(200);
    QCOMPARE(data, 1);
    QVERIFY(!finished);
    QVERIFY(!s->isRunning());
}

QTEST_GUILESS_MAIN(TestDockerClient)
#include "tst_dockerclient.moc"
