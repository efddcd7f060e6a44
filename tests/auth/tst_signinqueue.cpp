// SPDX-License-Identifier: GPL-3.0-or-later

// The password-check queue: checks run on pool threads, results come back on
// the owner's thread, waiting checks are bounded per address and in total,
// addresses take turns, and a queue that goes away calls nothing afterwards.
#include "auth/SignInQueue.h"

#include <QElapsedTimer>
#include <QSemaphore>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using mist::auth::SignInQueue;
using Outcome = SignInQueue::Outcome;

class TestSignInQueue : public QObject {
    Q_OBJECT

    struct Log {
        QStringList started;           // in the order checks started
        QMap<QString, Outcome> result; // job name -> outcome
        QSemaphore gate;               // each check takes one permit before it ends
    };

    static SignInQueue::Job job(const std::shared_ptr<Log> &log, const QString &address,
                                const QString &name, bool match = true) {
        SignInQueue::Job j;
        j.address = address;
        j.admit = [log, name] {
            log->started.append(name);
            return true;
        };
        j.check = [log, match] {
            log->gate.acquire();
            return match;
        };
        j.finish = [log, name](Outcome o) {
            log->result.insert(name, o);
        };
        return j;
    }

private Q_SLOTS:
    void boundsPerAddressAndInTotal() {
        SignInQueue q({1, 2, 4});
        auto log = std::make_shared<Log>();
        QVERIFY(q.enqueue(job(log, "A", "a1"))); // runs
        QVERIFY(q.enqueue(job(log, "A", "a2")));
        QVERIFY(q.enqueue(job(log, "A", "a3")));
        QVERIFY(!q.enqueue(job(log, "A", "a4"))); // A has 2 waiting
        QVERIFY(q.enqueue(job(log, "B", "b1")));
        QVERIFY(q.enqueue(job(log, "B", "b2")));
        QCOMPARE(q.running(), 1);
        QCOMPARE(q.waiting(), 4);
        // Full, but C has nothing waiting: the busiest address's newest check
        // gives up its place.
        QVERIFY(q.enqueue(job(log, "C", "c1")));
        QCOMPARE(q.waiting(), 4);
        QVERIFY(!q.enqueue(job(log, "C", "c2"))); // full, and C has one waiting
        QVERIFY(!q.enqueue(job(log, "A", "a5")));
        QTRY_COMPARE(log->result.size(), 1);
        const QString dropped = log->result.firstKey();
        QVERIFY2(dropped == "a3" || dropped == "b2", qPrintable(dropped));
        QCOMPARE(log->result.value(dropped), Outcome::Dropped);
        QCOMPARE(q.refused(), quint64(4)); // a4, c2, a5 and the dropped one

        log->gate.release(100);
        QTRY_COMPARE(log->result.size(), 6);
        QCOMPARE(q.running(), 0);
        QCOMPARE(q.waiting(), 0);
        QCOMPARE(q.peakRunning(), 1);
        QCOMPARE(q.peakWaiting(), 4);
        QCOMPARE(q.checked(), quint64(5));
        for (const char *name : {"a1", "a2", "a3", "b1", "b2", "c1"}) {
            if (name != dropped)
                QCOMPARE(log->result.value(name), Outcome::Match);
        }
    }

    void addressesTakeTurns() {
        SignInQueue q({1, 8, 64});
        auto log = std::make_shared<Log>();
        for (const char *name : {"a1", "a2", "a3", "a4"})
            QVERIFY(q.enqueue(job(log, "A", name)));
        QVERIFY(q.enqueue(job(log, "B", "b1")));
        QVERIFY(q.enqueue(job(log, "C", "c1")));
        QVERIFY(q.enqueue(job(log, "B", "b2")));
        log->gate.release(100);
        QTRY_COMPARE(log->result.size(), 7);
        // A came first and has most, but B and C wait behind none of A's
        // checks but the one running, and then they take turns.
        QCOMPARE(log->started, QStringList({"a1", "b1", "c1", "a2", "b2", "a3", "a4"}));
    }

    void aNewcomerGoesNext() {
        SignInQueue q({1, 8, 64});
        auto log = std::make_shared<Log>();
        for (int i = 1; i <= 6; ++i) {
            QVERIFY(q.enqueue(job(log, "A", QStringLiteral("a%1").arg(i))));
            QVERIFY(q.enqueue(job(log, "B", QStringLiteral("b%1").arg(i))));
        }
        log->gate.release(3);
        QTRY_COMPARE(log->result.size(), 3);
        QVERIFY(q.enqueue(job(log, "C", "c1"))); // a user, amid the flood
        log->gate.release(100);
        QTRY_COMPARE(log->result.size(), 13);
        QCOMPARE(log->started.mid(0, 5), QStringList({"a1", "b1", "a2", "b2", "c1"}));
    }

    void rememberedAddressesAreBounded() {
        SignInQueue q({2, 4, 64});
        int checked = 0;
        const int total = 3 * SignInQueue::MaxRemembered;
        // In batches that fit the queue, so that every address is served.
        for (int i = 0; i < total;) {
            for (const int end = i + 32; i < end; ++i) {
                SignInQueue::Job j;
                j.address = QStringLiteral("10.0.%1.%2").arg(i >> 8).arg(i & 255);
                j.check = [] {
                    return false;
                };
                j.finish = [&checked](Outcome o) {
                    checked += o == Outcome::NoMatch;
                };
                QVERIFY(q.enqueue(std::move(j)));
            }
            QElapsedTimer waited;
            waited.start();
            while (checked < i && waited.elapsed() < 5000)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
            QCOMPARE(checked, i);
        }
        QCOMPARE(q.refused(), quint64(0));
        QVERIFY2(q.rememberedAddresses() <= SignInQueue::MaxRemembered + 1,
                 qPrintable(QString::number(q.rememberedAddresses())));
    }

    void checksRunOffTheOwnersThreadResultsComeBackOnIt() {
        SignInQueue q({2, 4, 64});
        std::atomic<QThread *> checkedOn{nullptr};
        QThread *finishedOn = nullptr;
        std::optional<Outcome> outcome;
        SignInQueue::Job j;
        j.address = QStringLiteral("A");
        j.check = [&checkedOn] {
            checkedOn = QThread::currentThread();
            return false;
        };
        j.finish = [&](Outcome o) {
            finishedOn = QThread::currentThread();
            outcome = o;
        };
        QVERIFY(q.enqueue(std::move(j)));
        QTRY_VERIFY(outcome.has_value());
        QCOMPARE(*outcome, Outcome::NoMatch);
        QVERIFY(checkedOn.load() != nullptr);
        QVERIFY(checkedOn.load() != QThread::currentThread());
        QCOMPARE(finishedOn, QThread::currentThread());
    }

    void refusedAdmissionSkipsTheCheck() {
        SignInQueue q({1, 8, 64});
        auto log = std::make_shared<Log>();
        QVERIFY(q.enqueue(job(log, "A", "a1")));
        bool checked = false;
        bool finished = false;
        SignInQueue::Job blocked;
        blocked.address = QStringLiteral("B");
        blocked.admit = [] {
            return false;
        }; // e.g. throttled while it waited
        blocked.check = [&checked] {
            return checked = true;
        };
        blocked.finish = [&finished](Outcome) {
            finished = true;
        };
        QVERIFY(q.enqueue(std::move(blocked)));
        QVERIFY(q.enqueue(job(log, "C", "c1")));
        log->gate.release(100);
        QTRY_COMPARE(log->result.size(), 2);
        QVERIFY(!checked);
        QVERIFY(!finished);
        QCOMPARE(q.running(), 0);
    }

    void goingAwayWithChecksRunningAndWaitingCallsNothing() {
        auto log = std::make_shared<Log>();
        auto q = std::make_unique<SignInQueue>(SignInQueue::Limits{2, 4, 64});
        for (int i = 0; i < 6; ++i)
            QVERIFY(q->enqueue(job(log, QString::number(i % 3), QString::number(i))));
        QTRY_COMPARE(q->running(), 2);
        // The running checks end while the queue is being destroyed; the
        // waiting ones never start.
        log->gate.release(2);
        q.reset();
        QTest::qWait(100); // anything posted by the checks would run now
        QVERIFY2(log->result.isEmpty(), qPrintable(QStringList(log->result.keys()).join(',')));
    }
};

QTEST_GUILESS_MAIN(TestSignInQueue)
#include "tst_signinqueue.moc"
