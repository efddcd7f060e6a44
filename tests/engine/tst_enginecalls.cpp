// SPDX-License-Identifier: GPL-3.0-or-later

// engine::Engine's typed calls against the private engine: the container list and inspect
// decoded into ContainerSummary / ContainerState, one stats sample, and the event stream
// reporting a container's death with its exit code (what the log archive's lifecycle
// entries and the per-app statistics are built on).

#include "TestSupport.h"
#include "engine/DockerHost.h"
#include "engine/EngineApi.h"

#include <QDateTime>
#include <QJsonObject>
#include <QtTest>

using namespace mist;
using namespace mist::engine;

namespace {
constexpr int kWaitMs = 30000;

std::optional<DockerReply> call(const std::function<void(Engine::Callback)> &start) {
    std::optional<DockerReply> out;
    start([&out](const DockerReply &r) { out = r; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, kWaitMs))
        qWarning("no engine reply within %d ms", kWaitMs);
    return out;
}
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
        const auto list = call([&](Engine::Callback cb) {
            engine.containers({{QStringLiteral("name"), {name}}}, &m_context, std::move(cb));
        });
        QVERIFY(list && list->ok());
        const QList<ContainerSummary> rows = parseContainerList(list->json());
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().names, QStringList{name});
        QCOMPARE(rows.first().state, QStringLiteral("running"));
        QCOMPARE(rows.first().labels.value(QStringLiteral("mist.test")), QStringLiteral("calls"));

        const auto inspect = call(
            [&](Engine::Callback cb) { engine.inspectContainer(name, &m_context, std::move(cb)); });
        QVERIFY(inspect && inspect->ok());
        const auto state = parseContainerState(inspect->json());
        QVERIFY(state);
        QCOMPARE(state->name, name);
        QCOMPARE(state->id, rows.first().id);
        QVERIFY(state->running);
        QCOMPARE(state->exitCode, 0);

        const auto stats = call(
            [&](Engine::Callback cb) { engine.containerStats(name, &m_context, std::move(cb)); });
        QVERIFY(stats && stats->ok());
        QVERIFY(stats->json().object().value(QStringLiteral("memory_stats")).isObject());
        QVERIFY(stats->json().object().value(QStringLiteral("cpu_stats")).isObject());

        const auto missing = call([&](Engine::Callback cb) {
            engine.inspectContainer(name + QStringLiteral("-gone"), &m_context, std::move(cb));
        });
        QVERIFY(missing);
        QCOMPARE(missing->httpStatus, 404);
        QVERIFY(!parseContainerState(missing->json()));
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
        std::unique_ptr<DockerStream> events(Engine(*m_client).streamEvents(query));
        QByteArray received;
        connect(events.get(), &DockerStream::data, this,
                [&received](const QByteArray &bytes) { received += bytes; });
        QVERIFY(!test::runContainer(name, QStringLiteral("echo bye; exit 3")).isEmpty());
        QVERIFY2(QTest::qWaitFor([&] { return received.contains('\n'); }, kWaitMs),
                 received.constData());
        const QJsonObject event =
            QJsonDocument::fromJson(received.left(received.indexOf('\n'))).object();
        QCOMPARE(event.value(QStringLiteral("Action")).toString(), QStringLiteral("die"));
        const QJsonObject attributes = event.value(QStringLiteral("Actor"))
                                           .toObject()
                                           .value(QStringLiteral("Attributes"))
                                           .toObject();
        QCOMPARE(attributes.value(QStringLiteral("name")).toString(), name);
        QCOMPARE(attributes.value(QStringLiteral("exitCode")).toString(), QStringLiteral("3"));
    }

private:
    std::unique_ptr<DockerClient> m_client;
    QObject m_context;
    QStringList m_names;
};

QTEST_GUILESS_MAIN(TestEngineCalls)
#include "tst_enginecalls.moc"
