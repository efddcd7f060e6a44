// SPDX-License-Identifier: GPL-3.0-or-later

// engine::Engine's typed calls against the private engine: the container list and inspect
// decoded into ContainerSummary / ContainerState, one stats sample, the event stream
// reporting a container's death with its exit code (what the log archive's lifecycle
// entries and the per-app statistics are built on), the container life-cycle and the Swarm
// lists answering with an EngineResult.

#include "TestSupport.h"
#include "engine/DockerHost.h"
#include "engine/EngineApi.h"
#include "engine/EventStream.h"

#include <QDateTime>
#include <QJsonObject>
#include <QtTest>

using namespace mist;
using namespace mist::engine;

namespace {
constexpr int kWaitMs = 30000;

template <typename T>
std::optional<EngineResult<T>> result(const std::function<void(ResultCallback<T>)> &start) {
    std::optional<EngineResult<T>> out;
    start([&out](const EngineResult<T> &r) { out = r; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, kWaitMs))
        qWarning("no engine reply within %d ms", kWaitMs);
    return out;
}
using Done = ResultCallback<void>;
} // namespace

class TestEngineCalls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        const auto host = DockerHost::fromEnvironment({});
        QVERIFY2(host, qPrintable(host.error()));
        m_client = std::make_unique<DockerClient>(*host);
    }
    void cleanup() {
        for (const QString &name : std::as_const(m_names))
            test::removeContainer(name);
        m_names.clear();
    }

    void listAndInspectAreTyped() {
        const QString name =
            QStringLiteral("mist-enginecalls-%1").arg(QCoreApplication::applicationPid());
        m_names << name;
        QVERIFY(!test::runContainer(name, QStringLiteral("sleep 60"),
                                    {QStringLiteral("--label"), QStringLiteral("mist.test=calls")})
                     .isEmpty());
        Engine engine(*m_client);
        using Rows = QList<ContainerSummary>;
        const auto list = result<Rows>([&](ResultCallback<Rows> cb) {
            engine.containers({{QStringLiteral("name"), {name}}}, &m_context, std::move(cb));
        });
        QVERIFY(list && *list);
        const Rows rows = **list;
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().names, QStringList{name});
        QCOMPARE(rows.first().state, QStringLiteral("running"));
        QCOMPARE(rows.first().labels.value(QStringLiteral("mist.test")), QStringLiteral("calls"));

        const auto inspect = result<ContainerState>([&](ResultCallback<ContainerState> cb) {
            engine.inspectContainer(name, &m_context, std::move(cb));
        });
        QVERIFY(inspect && *inspect);
        const auto &state = *inspect;
        QCOMPARE(state->name, name);
        QCOMPARE(state->id, rows.first().id);
        QVERIFY(state->running);
        QCOMPARE(state->exitCode, 0);

        const auto stats = result<QByteArray>([&](ResultCallback<QByteArray> cb) {
            engine.containerStats(name, &m_context, std::move(cb));
        });
        QVERIFY(stats && *stats);
        const QJsonObject sample = QJsonDocument::fromJson(**stats).object();
        QVERIFY(sample.value(QStringLiteral("memory_stats")).isObject());
        QVERIFY(sample.value(QStringLiteral("cpu_stats")).isObject());

        const auto missing = result<ContainerState>([&](ResultCallback<ContainerState> cb) {
            engine.inspectContainer(name + QStringLiteral("-gone"), &m_context, std::move(cb));
        });
        QVERIFY(missing && !*missing);
        QCOMPARE(missing->error().httpStatus, 404);
        QVERIFY(missing->error().notFound());
    }

    // create, start, stop (twice: a stopped one counts as stopped), rename, remove (twice: a
    // missing one fails with notFound()), and what a refusal carries.
    void lifeCycleAnswersWithResults() {
        const QString name =
            QStringLiteral("mist-enginecalls-life-%1").arg(QCoreApplication::applicationPid());
        const QString renamed = name + QStringLiteral("-renamed");
        m_names << name << renamed;
        Engine engine(*m_client);
        ContainerSpec config;
        config.image = QStringLiteral("mist-test-base:latest");
        config.cmd = {QStringLiteral("sleep"), QStringLiteral("60")};
        const auto created = result<QString>([&](ResultCallback<QString> cb) {
            engine.createContainer(name, config, &m_context, std::move(cb));
        });
        QVERIFY(created);
        QVERIFY2(*created, qPrintable(created->error().message));
        QCOMPARE((*created)->size(), 64); // the engine's full id
        const auto again = result<QString>([&](ResultCallback<QString> cb) {
            engine.createContainer(name, config, &m_context, std::move(cb));
        });
        QVERIFY(again && !*again);
        QCOMPARE(again->error().httpStatus, 409); // the name is taken
        QVERIFY(!again->error().message.isEmpty());

        const auto started = result<void>(
            [&](Done cb) { engine.startContainer(**created, &m_context, std::move(cb)); });
        QVERIFY(started && *started);
        const auto restarted = result<void>(
            [&](Done cb) { engine.restartContainer(name, 1, &m_context, std::move(cb)); });
        QVERIFY2(restarted && *restarted, restarted ? qPrintable(restarted->error().message) : "");
        for (int i = 0; i < 2; ++i) {
            const auto stopped = result<void>(
                [&](Done cb) { engine.stopContainer(name, 1, &m_context, std::move(cb)); });
            QVERIFY2(stopped && *stopped, stopped ? qPrintable(stopped->error().message) : "");
        }
        const auto moved = result<void>(
            [&](Done cb) { engine.renameContainer(name, renamed, &m_context, std::move(cb)); });
        QVERIFY(moved && *moved);
        const auto removed = result<void>(
            [&](Done cb) { engine.removeContainer(renamed, &m_context, std::move(cb)); });
        QVERIFY(removed && *removed);
        const auto gone = result<void>(
            [&](Done cb) { engine.removeContainer(renamed, &m_context, std::move(cb)); });
        QVERIFY(gone && !*gone);
        QVERIFY(gone->error().notFound());
        const auto startGone = result<void>(
            [&](Done cb) { engine.startContainer(renamed, &m_context, std::move(cb)); });
        QVERIFY(startGone && !*startGone);
        QVERIFY(startGone->error().notFound());
    }

    // The private engine is a one-node swarm manager (scripts/test-dockerd.sh swarm); on a
    // plain engine the lists fail with the engine's 503.
    void swarmListsAreTyped() {
        Engine engine(*m_client);
        const auto nodes = result<QList<SwarmNode>>(
            [&](ResultCallback<QList<SwarmNode>> cb) { engine.nodes(&m_context, std::move(cb)); });
        QVERIFY(nodes);
        if (!*nodes) {
            QCOMPARE(nodes->error().httpStatus, 503);
            QSKIP("the test engine is not a swarm manager");
        }
        QCOMPARE((*nodes)->size(), 1);
        QVERIFY(!(*nodes)->first().id.isEmpty());
        QCOMPARE((*nodes)->first().state, QStringLiteral("ready"));
        QVERIFY(!(*nodes)->first().hostname.isEmpty());
        const auto services =
            result<QList<SwarmService>>([&](ResultCallback<QList<SwarmService>> cb) {
                engine.services(&m_context, std::move(cb));
            });
        QVERIFY(services && *services);
        using Tasks = ResultCallback<QList<SwarmTask>>;
        const auto tasks = result<QList<SwarmTask>>([&](Tasks cb) {
            engine.tasks({{QStringLiteral("desired-state"), {QStringLiteral("running")}}},
                         &m_context, std::move(cb));
        });
        QVERIFY2(tasks && *tasks, tasks ? qPrintable((*tasks).error().message) : "");
        for (const SwarmTask &t : **tasks)
            QVERIFY(t.wanted());
        // A filter on a service the engine does not know: its 404 and message.
        const auto unknown = result<QList<SwarmTask>>([&](Tasks cb) {
            engine.tasks({{QStringLiteral("service"), {QStringLiteral("mist-no-such-service")}}},
                         &m_context, std::move(cb));
        });
        QVERIFY(unknown && !*unknown);
        QVERIFY(unknown->error().notFound());
        QVERIFY2(unknown->error().message.contains(QStringLiteral("mist-no-such-service")),
                 qPrintable(unknown->error().message));
    }

    void eventsReportADeathWithItsExitCode() {
        const QString name =
            QStringLiteral("mist-enginecalls-die-%1").arg(QCoreApplication::applicationPid());
        m_names << name;
        EventsQuery query;
        query.since = QString::number(QDateTime::currentSecsSinceEpoch() - 1);
        query.filters = {{QStringLiteral("type"), {QStringLiteral("container")}},
                         {QStringLiteral("container"), {name}},
                         {QStringLiteral("event"), {QStringLiteral("die")}}};
        std::unique_ptr<EventStream> events(Engine(*m_client).streamEvents(query));
        bool opened = false;
        QList<EngineEvent> received;
        QStringList malformed;
        connect(events.get(), &EventStream::opened, this, [&opened] { opened = true; });
        connect(events.get(), &EventStream::event, this,
                [&received](const EngineEvent &e) { received.append(e); });
        connect(events.get(), &EventStream::malformed, this,
                [&malformed](const QString &why) { malformed.append(why); });
        QVERIFY(QTest::qWaitFor([&] { return opened; }, kWaitMs));
        QVERIFY(!test::runContainer(name, QStringLiteral("echo bye; exit 3")).isEmpty());
        QVERIFY(QTest::qWaitFor([&] { return !received.isEmpty(); }, kWaitMs));
        const EngineEvent &event = received.first();
        QCOMPARE(event.type, QStringLiteral("container"));
        QCOMPARE(event.action, QStringLiteral("die"));
        QCOMPARE(event.attributes.value(QStringLiteral("name")), name);
        QCOMPARE(event.attributes.value(QStringLiteral("exitCode")), QStringLiteral("3"));
        QVERIFY(event.timeNs > 0);
        QVERIFY2(malformed.isEmpty(), qPrintable(malformed.join(u'\n')));
    }

private:
    std::unique_ptr<DockerClient> m_client;
    QObject m_context;
    QStringList m_names;
};

QTEST_GUILESS_MAIN(TestEngineCalls)
#include "tst_enginecalls.moc"
