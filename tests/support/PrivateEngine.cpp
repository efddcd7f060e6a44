// SPDX-License-Identifier: GPL-3.0-or-later

#include "PrivateEngine.h"

#include <QProcess>

namespace mist::test {

PrivateEngine::PrivateEngine(const QString &name)
    : m_dir(QStringLiteral("/tmp/%1.XXXXXX").arg(name)) {}

PrivateEngine::~PrivateEngine() {
    if (m_running)
        stop();
}

Expected<void> PrivateEngine::start() {
    if (auto started = run(QStringLiteral("start")); !started)
        return started;
    m_running = true;
    if (!m_dockerHost.startsWith(QStringLiteral("unix://")))
        return fail(QStringLiteral("test-dockerd.sh start printed no DOCKER_HOST"));
    return {};
}

Expected<void> PrivateEngine::kill() {
    m_running = false;
    return run(QStringLiteral("kill"));
}

Expected<void> PrivateEngine::stop() {
    m_running = false;
    return run(QStringLiteral("stop"));
}

void PrivateEngine::useForDockerCli() const {
    qputenv("DOCKER_HOST", m_dockerHost.toUtf8());
}

Expected<void> PrivateEngine::run(const QString &command) {
    const QString script = qEnvironmentVariable("MIST_TEST_ENGINE_SCRIPT");
    if (script.isEmpty())
        return fail(
            "MIST_TEST_ENGINE_SCRIPT is not set: run the suite through scripts/setup.sh test");
    if (!m_dir.isValid())
        return fail(QStringLiteral("cannot create %1: %2").arg(m_dir.path(), m_dir.errorString()));
    QProcess p;
    p.start(script, {command, m_dir.path()});
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return fail(
            QStringLiteral("test-dockerd.sh %1 %2 failed: %3")
                .arg(command, m_dir.path(), QString::fromUtf8(p.readAllStandardError()).trimmed()));
    if (command == u"start") // "export DOCKER_HOST=unix://..."
        m_dockerHost = QString::fromUtf8(p.readAllStandardOutput()).trimmed().section(u'=', 1);
    return {};
}

} // namespace mist::test
