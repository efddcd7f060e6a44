// SPDX-License-Identifier: GPL-3.0-or-later

// Issue #15 item 5: one unauthenticated connection that pipelines
// GET /api/health without ever reading the answers used to stall everyone:
// each request copied the whole buffered input (quadratic), input and answers
// piled up without bound (572 MiB), the keep-alive timer restarted after
// every answer, and the server stayed busy for seconds after the attacker
// left. Against the real binary: while such an attacker keeps its pipe full,
// a normal client is answered in time and the server's memory stays bounded;
// once it leaves, the server is idle at once.
#include "HostileClients.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace mist;
using namespace mist::test;

namespace {
const QByteArray Health = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
const QByteArray HealthClose =
    "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

// A plain non-blocking socket that the test never reads from (a QTcpSocket
// would read the answers into its own buffer, and so take them).
int connectRaw(quint16 port, bool blocking = false) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | (blocking ? 0 : SOCK_NONBLOCK), 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<sockaddr *>(&to), sizeof to);
    return fd;
}

qint64 median(QList<qint64> values) {
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? -1 : values[values.size() / 2];
}
} // namespace

class TestPipelining : public QObject {
    Q_OBJECT
    ServerProcess server;

private Q_SLOTS:
    void initTestCase() { QVERIFY(server.start()); }

    void pipelinedRequestsOfAReaderAllAnswered() {
        // The limits must not hurt a client that pipelines and reads.
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(s.waitForConnected(5000));
        s.write(Health.repeated(2000));
        QByteArray answers;
        WsRecorder w;
        QVERIFY(w.waitFor(
            [&] {
                answers += s.readAll();
                return answers.count("HTTP/1.1 200") == 2000;
            },
            30000));
    }

    void attackerThatNeverReadsStallsNobody() {
        const qint64 rssBefore = server.rssKiB();
        // The attacker writes from a thread of its own, as fast as the server
        // takes it, while this thread plays the normal client.
        const int attacker = connectRaw(server.port(), true);
        QVERIFY(attacker >= 0);
        std::atomic<qint64> requestsSent{0};
        std::thread pump([attacker, &requestsSent] {
            const QByteArray chunk = Health.repeated(1000);
            for (;;) {
                const ssize_t n =
                    ::send(attacker, chunk.constData(), size_t(chunk.size()), MSG_NOSIGNAL);
                if (n <= 0)
                    return;
                requestsSent += n;
            }
        });
        QList<qint64> latencies;
        qint64 worst = 0;
        qint64 peakRss = 0;
        int failures = 0;
        QElapsedTimer attack;
        attack.start();
        while (attack.elapsed() < 8000) {
            QElapsedTimer one;
            one.start();
            const QByteArray answer = rawHttpExchange(server.port(), HealthClose, 20000);
            const qint64 ms = one.elapsed();
            if (statusOf(answer) != 200)
                ++failures;
            latencies.append(ms);
            worst = std::max(worst, ms);
            peakRss = std::max(peakRss, server.rssKiB());
            QTest::qWait(50);
        }
        ::shutdown(attacker, SHUT_RDWR); // wakes the pump from a blocked send
        pump.join();
        qInfo("attacker pipelined %lld requests (%lld MiB) in 8 s; normal client: %lld "
              "requests, median %lld ms, worst %lld ms, %d failed; server RSS %lld -> peak %lld "
              "KiB",
              qint64(requestsSent) / Health.size(), qint64(requestsSent) >> 20,
              qlonglong(latencies.size()), median(latencies), worst, failures, rssBefore, peakRss);
        QCOMPARE(failures, 0);
        // Generous: catches the stall (6.6 s median, 20 s worst before), not speed.
        QVERIFY2(worst < 3000, qPrintable(QStringLiteral("worst %1 ms").arg(worst)));
        QVERIFY2(peakRss - rssBefore < 64 * 1024,
                 qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(peakRss - rssBefore)));

        // The attacker has left: the server has nothing left to chew on.
        ::close(attacker);
        QTest::qWait(200);
        const double cpuBefore = server.cpuSeconds();
        QTest::qWait(3000);
        const double busy = server.cpuSeconds() - cpuBefore;
        qInfo("server CPU in the 3 s after the attacker left: %.2f s", busy);
        QVERIFY2(busy < 1.0, qPrintable(QStringLiteral("%1 s of CPU").arg(busy)));
        QCOMPARE(statusOf(rawHttpExchange(server.port(), HealthClose)), 200);
    }

    void attackerIsCutOffAtTheDeadline() {
        // Answering is no sign of life: a client that never reads is dropped
        // once the request deadline (15 s) has passed since it last read.
        const int attacker = connectRaw(server.port());
        QTest::qWait(100);
        const QByteArray chunk = Health.repeated(1000);
        QElapsedTimer timer;
        timer.start();
        bool cut = false;
        while (timer.elapsed() < 40000 && !cut) {
            const ssize_t n =
                ::send(attacker, chunk.constData(), size_t(chunk.size()), MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                cut = true; // reset by the server
            int error = 0;
            socklen_t length = sizeof error;
            if (::getsockopt(attacker, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error != 0)
                cut = true;
            QTest::qWait(100);
        }
        ::close(attacker);
        qInfo("a pipelining client that never reads was cut off after %lld ms", timer.elapsed());
        QVERIFY2(cut, "the server kept a client that never reads for 40 s");
    }
};

QTEST_GUILESS_MAIN(TestPipelining)
#include "tst_pipelining.moc"
