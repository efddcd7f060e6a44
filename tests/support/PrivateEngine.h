// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// A Docker engine of one test's own, for the tests of engine faults: they kill it and start it
// again, which the suite's shared engine must never see. Started, killed (as a crash would) and
// stopped through scripts/test-dockerd.sh, which the test command names in
// MIST_TEST_ENGINE_SCRIPT; it lives under a temporary directory named after the test.
//
//     PrivateEngine engine{QStringLiteral("mist-engine-fault")};
//     MIST_VERIFY_OK(engine.start());
//     config.dockerHost = engine.dockerHost();

#include "base/Expected.h"

#include <QString>
#include <QTemporaryDir>

// QVERIFY for an Expected: fails the test with the reason it carries.
#define MIST_VERIFY_OK(expr)                                                                       \
    do {                                                                                           \
        const auto mistResult_ = (expr);                                                           \
        QVERIFY2(mistResult_, qPrintable(mistResult_.error()));                                    \
    } while (0)

namespace mist::test {

class PrivateEngine {
public:
    // The directory is /tmp/<name>.XXXXXX (a short path: the engine's socket lives in it).
    explicit PrivateEngine(const QString &name);
    ~PrivateEngine(); // stops the engine if it still runs
    PrivateEngine(const PrivateEngine &) = delete;
    PrivateEngine &operator=(const PrivateEngine &) = delete;

    Expected<void> start(); // up and answering, with the offline base image
    Expected<void> kill();  // SIGKILL to the daemon, containerd and the shims
    Expected<void> stop();  // a clean shutdown

    // unix://<dir>/docker.sock, known once start() succeeded.
    QString dockerHost() const { return m_dockerHost; }
    // Points this process's `docker` calls (runContainer() and friends) at this engine.
    void useForDockerCli() const;

private:
    Expected<void> run(const QString &command);

    QTemporaryDir m_dir;
    QString m_dockerHost;
    bool m_running = false;
};

} // namespace mist::test
