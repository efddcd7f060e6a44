// SPDX-License-Identifier: GPL-3.0-or-later

// The rules' evaluation (pure): each row is one rule, a script of timestamped
// observations and the transitions they must cause, hostile values included
// (NaN, huge numbers, negative times, a clock that runs backwards).

#include "alerts/AlertEvaluator.h"

#include <QJsonDocument>
#include <QTest>

#include <limits>

using namespace mist::alerts;

namespace {

Rule rule(const QByteArray &json, qint64 id = 1) {
    const auto parsed = parseRule(QJsonDocument::fromJson(json).object());
    if (!parsed)
        qFatal("bad test rule %s: %s", json.constData(), qPrintable(parsed.error()));
    Rule r = *parsed;
    r.id = id;
    return r;
}

double value(const QString &s) {
    if (s == u"nan")
        return std::numeric_limits<double>::quiet_NaN();
    if (s == u"inf")
        return std::numeric_limits<double>::infinity();
    if (s == u"-inf")
        return -std::numeric_limits<double>::infinity();
    return s.toDouble();
}

std::optional<qint64> app(const QString &s) {
    return s == u"-" ? std::nullopt : std::optional<qint64>(s.toLongLong());
}

QString text(const Transition &t) {
    return QStringLiteral("%1 %2 %3 @%4")
        .arg(t.ruleId)
        .arg(t.state, t.appId ? QString::number(*t.appId) : QStringLiteral("-"))
        .arg(t.atMs);
}

// One step: "<ms> m <app|-> <field> <value>", "<ms> gone <app>",
// "<ms> e <event> <app|-> [detail]", "<ms> l <app> <line>", "<ms> tick".
QList<Transition> step(Evaluator &ev, const QString &line) {
    const QStringList w = line.split(u' ');
    const qint64 at = w.value(0).toLongLong();
    const QString what = w.value(1);
    if (what == u"m")
        return ev.metric(app(w.value(2)), w.value(3), value(w.value(4)), at);
    if (what == u"gone")
        return ev.metricGone(w.value(2).toLongLong(), at);
    if (what == u"e")
        return ev.event(w.value(2), app(w.value(3)), w.mid(4).join(u' '), at);
    if (what == u"l")
        return ev.logLine(w.value(2).toLongLong(), w.mid(3).join(u' ').toUtf8(), at);
    if (what == u"tick")
        return ev.tick(at);
    qFatal("bad step %s", qPrintable(line));
}

} // namespace

class TestAlertEvaluation : public QObject {
    Q_OBJECT
private slots:
    void script_data();
    void script();
    void cooldownPerRule();
    void ruleChangeKeepsState();
    void windowsBounded();
    void hugeLineMatchedOnPrefix();
    void deletedAppsForgotten();
    void badPatternSkipped();
    void describe_data();
    void describe();
    void topApps();
};

void TestAlertEvaluation::script_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<QStringList>("expected");
    const QByteArray cpu =
        R"j({"name":"cpu","kind":"metric","field":"cpu.usage","op":">","threshold":90,"forSeconds":10,"cooldownSeconds":0})j";
    const QByteArray cpu0 =
        R"j({"name":"cpu","kind":"metric","field":"cpu.usage","op":">","threshold":90,"cooldownSeconds":0})j";
    const QByteArray low =
        R"j({"name":"mem","kind":"metric","appId":7,"field":"memory.percent","op":"<","threshold":5,"cooldownSeconds":0})j";
    const QByteArray died =
        R"j({"name":"d","kind":"event","event":"container_died","cooldownSeconds":60})j";
    const QByteArray died7 =
        R"j({"name":"d","kind":"event","appId":7,"event":"container_died","cooldownSeconds":0})j";
    const QByteArray loop =
        R"j({"name":"r","kind":"event","event":"restart_loop","restarts":3,"withinSeconds":60,"cooldownSeconds":0})j";
    const QByteArray sick =
        R"j({"name":"h","kind":"event","event":"unhealthy","cooldownSeconds":0})j";
    const QByteArray engine =
        R"j({"name":"e","kind":"event","event":"engine_down","cooldownSeconds":0})j";
    const QByteArray failed =
        R"j({"name":"f","kind":"event","appId":7,"event":"deployment_failed","cooldownSeconds":0})j";
    const QByteArray log =
        R"j({"name":"l","kind":"log","appId":7,"pattern":"ERROR \\d+","count":2,"withinSeconds":10,"cooldownSeconds":0})j";
    const QByteArray log1 =
        R"j({"name":"l","kind":"log","appId":7,"pattern":"panic","cooldownSeconds":30})j";
    // clang-format off
    QTest::newRow("metric held fires") << cpu << QStringList{"0 m - cpu.usage 95", "5000 m - cpu.usage 96", "10000 m - cpu.usage 97"} << QStringList{"1 firing - @10000"};
    QTest::newRow("metric not held") << cpu << QStringList{"0 m - cpu.usage 95", "5000 m - cpu.usage 50", "9000 m - cpu.usage 95", "15000 m - cpu.usage 95"} << QStringList{};
    QTest::newRow("metric resolves") << cpu << QStringList{"0 m - cpu.usage 95", "10000 m - cpu.usage 95", "11000 m - cpu.usage 95", "12000 m - cpu.usage 90"} << QStringList{"1 firing - @10000", "1 resolved - @12000"};
    QTest::newRow("metric at threshold is not over") << cpu0 << QStringList{"0 m - cpu.usage 90"} << QStringList{};
    QTest::newRow("metric forSeconds 0") << cpu0 << QStringList{"0 m - cpu.usage 90.01"} << QStringList{"1 firing - @0"};
    QTest::newRow("metric other field") << cpu0 << QStringList{"0 m - memory.percent 99"} << QStringList{};
    QTest::newRow("metric host rule, app value") << cpu0 << QStringList{"0 m 7 cpu.usage 99"} << QStringList{};
    QTest::newRow("metric NaN ignored") << cpu0 << QStringList{"0 m - cpu.usage nan", "1000 m - cpu.usage 95", "2000 m - cpu.usage nan", "3000 m - cpu.usage 50"} << QStringList{"1 firing - @1000", "1 resolved - @3000"};
    QTest::newRow("metric inf ignored") << cpu0 << QStringList{"0 m - cpu.usage inf", "1 m - cpu.usage -inf"} << QStringList{};
    QTest::newRow("metric huge") << cpu0 << QStringList{"0 m - cpu.usage 1e308", "1 m - cpu.usage -1e308"} << QStringList{"1 firing - @0", "1 resolved - @1"};
    QTest::newRow("metric under") << low << QStringList{"0 m 7 memory.percent 4", "1000 m 8 memory.percent 1", "2000 m 7 memory.percent 6"} << QStringList{"1 firing 7 @0", "1 resolved 7 @2000"};
    QTest::newRow("metric gone resolves") << low << QStringList{"0 m 7 memory.percent 4", "1000 gone 7", "2000 gone 7"} << QStringList{"1 firing 7 @0", "1 resolved 7 @1000"};
    QTest::newRow("metric negative times") << cpu << QStringList{"-50000 m - cpu.usage 95", "-1 m - cpu.usage 95", "9999 m - cpu.usage 95", "10000 m - cpu.usage 95"} << QStringList{"1 firing - @10000"};
    QTest::newRow("metric clock backwards") << cpu << QStringList{"100000 m - cpu.usage 95", "50000 m - cpu.usage 95", "109000 m - cpu.usage 95", "110000 m - cpu.usage 95"} << QStringList{"1 firing - @110000"};
    QTest::newRow("metric huge time") << cpu << QStringList{"0 m - cpu.usage 95", "9223372036854775807 m - cpu.usage 95", "-9223372036854775807 m - cpu.usage 95"} << QStringList{"1 firing - @9007199254740992"};
    QTest::newRow("died any app") << died << QStringList{"0 e container_died 7 exit code 3", "1000 e container_died 8 exit code 1"} << QStringList{"1 firing 7 @0"};
    QTest::newRow("died cooldown over") << died << QStringList{"0 e container_died 7", "59999 e container_died 7", "60000 e container_died 7"} << QStringList{"1 firing 7 @0", "1 firing 7 @60000"};
    QTest::newRow("died clock backwards holds cooldown") << died << QStringList{"100000 e container_died 7", "0 e container_died 7", "159999 e container_died 7"} << QStringList{"1 firing 7 @100000"};
    QTest::newRow("died one app") << died7 << QStringList{"0 e container_died 8", "1 e container_died 7", "2 e oom 7"} << QStringList{"1 firing 7 @1"};
    QTest::newRow("died without app ignored") << died << QStringList{"0 e container_died -"} << QStringList{};
    QTest::newRow("died bad app ignored") << died << QStringList{"0 e container_died -4", "0 e container_died 0"} << QStringList{};
    QTest::newRow("restart loop") << loop << QStringList{"0 e restart 7", "30000 e restart 7", "59000 e restart 8", "59999 e restart 7", "60000 e restart 7", "61000 tick"} << QStringList{"1 firing 7 @59999"};
    QTest::newRow("restart loop too slow") << loop << QStringList{"0 e restart 7", "30000 e restart 7", "60000 e restart 7", "90000 e restart 7"} << QStringList{};
    QTest::newRow("restart loop resolves") << loop << QStringList{"0 e restart 7", "1000 e restart 7", "2000 e restart 7", "59000 tick", "60000 tick", "200000 tick"} << QStringList{"1 firing 7 @2000", "1 resolved 7 @60000"};
    QTest::newRow("restart loop engine event ignored") << loop << QStringList{"0 e restart -", "0 e restart -", "0 e restart -"} << QStringList{};
    QTest::newRow("unhealthy resolved by healthy") << sick << QStringList{"0 e healthy 7", "1000 e unhealthy 7", "2000 e unhealthy 7", "3000 e healthy 7", "4000 e healthy 7"} << QStringList{"1 firing 7 @1000", "1 resolved 7 @3000"};
    QTest::newRow("engine down and back") << engine << QStringList{"0 e engine_up -", "1000 e engine_down -", "1500 e engine_down -", "2000 e engine_up -"} << QStringList{"1 firing - @1000", "1 resolved - @2000"};
    QTest::newRow("engine event with app ignored") << engine << QStringList{"0 e engine_down 7"} << QStringList{};
    QTest::newRow("deployment failed") << failed << QStringList{"0 e deployment_succeeded 7", "1 e deployment_failed 8", "2 e deployment_failed 7 build failed"} << QStringList{"1 firing 7 @2"};
    QTest::newRow("log count within") << log << QStringList{"0 l 7 ERROR 1", "500 l 7 INFO ok", "600 l 8 ERROR 2", "9000 l 7 xx ERROR 22 yy", "9500 l 7 ERROR 3"} << QStringList{"1 firing 7 @9000"};
    QTest::newRow("log too sparse") << log << QStringList{"0 l 7 ERROR 1", "10000 l 7 ERROR 2", "20000 l 7 ERROR 3"} << QStringList{};
    QTest::newRow("log no match") << log << QStringList{"0 l 7 ERROR x", "1 l 7 error 1", "2 l 7 ERROR"} << QStringList{};
    QTest::newRow("log resolves when window empties") << log << QStringList{"0 l 7 ERROR 1", "1000 l 7 ERROR 1", "5000 tick", "10000 tick", "11000 tick"} << QStringList{"1 firing 7 @1000", "1 resolved 7 @10000"};
    QTest::newRow("log cooldown then late firing") << log1 << QStringList{"0 l 7 panic", "60000 tick", "61000 l 7 panic", "70000 l 7 panic", "80000 tick", "91000 tick"} << QStringList{"1 firing 7 @0", "1 resolved 7 @60000", "1 firing 7 @61000"};
    QTest::newRow("log binary line") << log1 << QStringList{"0 l 7 \x01\xff panic \x7f"} << QStringList{"1 firing 7 @0"};
    // clang-format on
}

void TestAlertEvaluation::script() {
    QFETCH(QByteArray, json);
    QFETCH(QStringList, steps);
    QFETCH(QStringList, expected);
    Evaluator ev;
    ev.setRules({rule(json)});
    QStringList got;
    for (const QString &s : steps)
        for (const Transition &t : step(ev, s))
            got.append(text(t));
    QCOMPARE(got, expected);
}

// At most one "firing" per rule per cooldown, whichever subject; one held back
// by the cooldown goes out when it ends if its condition still holds, and
// its "resolved" only if its "firing" went out.
void TestAlertEvaluation::cooldownPerRule() {
    Evaluator ev;
    ev.setRules({rule(
        R"j({"name":"m","kind":"metric","appId":7,"field":"cpu.percent","op":">","threshold":50})j")});
    QCOMPARE(ev.metric(7, QStringLiteral("cpu.percent"), 60, 0).size(), 1);
    QCOMPARE(ev.metric(7, QStringLiteral("cpu.percent"), 10, 1000).value(0).state,
             QStringLiteral("resolved"));
    // Fires again within the cooldown (300 s): held back, silently.
    QVERIFY(ev.metric(7, QStringLiteral("cpu.percent"), 60, 2000).isEmpty());
    QVERIFY(ev.tick(299999).isEmpty());
    // Clears while held back: no "resolved" for a "firing" never sent.
    QVERIFY(ev.metric(7, QStringLiteral("cpu.percent"), 10, 100000).isEmpty());
    QVERIFY(ev.metric(7, QStringLiteral("cpu.percent"), 60, 200000).isEmpty());
    const auto late = ev.tick(300000);
    QCOMPARE(late.size(), 1);
    QCOMPARE(late[0].state, QStringLiteral("firing"));
    QCOMPARE(late[0].value, 60.0);
    QVERIFY(ev.tick(300001).isEmpty());
}

// A new threshold applies to the state kept: a rule made clear resolves at
// its next value; a changed field starts afresh.
void TestAlertEvaluation::ruleChangeKeepsState() {
    Evaluator ev;
    const QByteArray over =
        R"j({"name":"c","kind":"metric","field":"cpu.usage","op":">","threshold":%1})j";
    ev.setRules({rule(QByteArray(over).replace("%1", "10"))});
    QCOMPARE(ev.metric({}, QStringLiteral("cpu.usage"), 50, 0).size(), 1);
    ev.setRules({rule(QByteArray(over).replace("%1", "99"))});
    const auto resolved = ev.metric({}, QStringLiteral("cpu.usage"), 50, 1000);
    QCOMPARE(resolved.size(), 1);
    QCOMPARE(resolved[0].state, QStringLiteral("resolved"));
    ev.setRules({rule(QByteArray(over).replace("%1", "10"))});
    QVERIFY(ev.metric({}, QStringLiteral("cpu.usage"), 50, 2000).isEmpty()); // cooldown kept
    ev.setRules({rule(QByteArray(over).replace("%1", "10").replace("cpu.usage", "disk.percent"))});
    QCOMPARE(ev.metric({}, QStringLiteral("disk.percent"), 50, 3000).size(), 1);
    ev.setRules({});
    QCOMPARE(ev.ruleCount(), 0);
    QCOMPARE(ev.subjectCount(), 0);
}

// A window keeps at most its count of times, whatever the flood; subjects of
// "any app" rules go once their state is plain again.
void TestAlertEvaluation::windowsBounded() {
    Evaluator ev;
    QList<Rule> rules;
    for (int i = 1; i <= 200; ++i)
        rules.append(rule(
            R"j({"name":"l","kind":"log","appId":7,"pattern":"x","count":5,"withinSeconds":604800})j",
            i));
    rules.append(rule(
        R"j({"name":"r","kind":"event","event":"restart_loop","restarts":4,"withinSeconds":60})j",
        1000));
    ev.setRules(rules);
    QCOMPARE(ev.ruleCount(), 201);
    for (int i = 0; i < 10000; ++i)
        ev.logLine(7, "x", i);
    QCOMPARE(ev.timestampsKept(), qint64(200 * 5));
    for (qint64 appId = 1; appId <= 5000; ++appId)
        ev.event(QStringLiteral("restart"), appId, {}, 20000);
    QCOMPARE(ev.subjectCount(), 200 + 5000);
    ev.tick(80000);
    QCOMPARE(ev.subjectCount(), 200);
}

// An app deleted while its alert fires: its state goes, nothing is sent; the
// host's stays.
void TestAlertEvaluation::deletedAppsForgotten() {
    Evaluator ev;
    ev.setRules(
        {rule(R"j({"name":"h","kind":"event","event":"unhealthy","cooldownSeconds":0})j", 1),
         rule(R"j({"name":"e","kind":"event","event":"engine_down"})j", 2)});
    QCOMPARE(ev.event(QStringLiteral("unhealthy"), 7, {}, 0).size(), 1);
    QCOMPARE(ev.event(QStringLiteral("unhealthy"), 8, {}, 0).size(), 1);
    QCOMPARE(ev.event(QStringLiteral("engine_down"), std::nullopt, {}, 0).size(), 1);
    QCOMPARE(ev.subjectCount(), 3);
    ev.retainApps({8});
    QCOMPARE(ev.subjectCount(), 2);
    QVERIFY(ev.event(QStringLiteral("healthy"), 7, {}, 1).isEmpty());
    QCOMPARE(ev.event(QStringLiteral("healthy"), 8, {}, 1).size(), 1);
    ev.retainApps({});
    QCOMPARE(ev.event(QStringLiteral("engine_up"), std::nullopt, {}, 2).size(), 1);
}

void TestAlertEvaluation::hugeLineMatchedOnPrefix() {
    Evaluator ev;
    ev.setRules(
        {rule(R"j({"name":"l","kind":"log","appId":7,"pattern":"needle","cooldownSeconds":0})j")});
    QByteArray line(64 * 1024 * 1024, 'a');
    line.replace(Evaluator::MaxLineBytes + 10, 6, "needle");
    QVERIFY(ev.logLine(7, line, 0).isEmpty());
    line.replace(Evaluator::MaxLineBytes - 6, 6, "needle");
    QCOMPARE(ev.logLine(7, line, 1).size(), 1);
}

// A pattern that no longer compiles (a rule written by another version) is
// skipped rather than matched.
void TestAlertEvaluation::badPatternSkipped() {
    Rule r = rule(R"j({"name":"l","kind":"log","appId":7,"pattern":"x"})j");
    r.pattern = QStringLiteral("(unclosed");
    Evaluator ev;
    ev.setRules({r});
    QCOMPARE(ev.ruleCount(), 0);
    QVERIFY(!ev.wantsLines(7));
    r.pattern = QStringLiteral("((((((((((a{1000}){1000}){1000}){1000}))))))");
    ev.setRules({r});
    QCOMPARE(ev.ruleCount(), 0);
    r.pattern = QStringLiteral("x");
    ev.setRules({r});
    QVERIFY(ev.wantsLines(7));
    QVERIFY(!ev.wantsLines(8));
}

void TestAlertEvaluation::describe_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("state");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("message");
    const QByteArray m =
        R"j({"name":"c","kind":"metric","field":"cpu.usage","op":">","threshold":90,"forSeconds":60})j";
    const QByteArray a =
        R"j({"name":"c","kind":"metric","appId":7,"field":"memory.percent","op":"<","threshold":2.5})j";
    // clang-format off
    QTest::newRow("host cpu firing") << m << "firing" << 94.23 << "" << "Host CPU 94.2 % (> 90 % for 60 s)";
    QTest::newRow("host cpu resolved") << m << "resolved" << 40.0 << "" << "Host CPU 40 %, no longer > 90 %";
    QTest::newRow("app memory") << a << "firing" << 1.0 << "" << "App web memory 1 % (< 2.5 % for 0 s)";
    QTest::newRow("app memory gone") << a << "resolved" << 1.0 << "its container is not running" << "App web memory no longer measured: its container is not running";
    QTest::newRow("died") << QByteArray(R"j({"name":"d","kind":"event","event":"container_died"})j") << "firing" << 0.0 << "exit code 3" << "App web: its container died (exit code 3)";
    QTest::newRow("loop") << QByteArray(R"j({"name":"d","kind":"event","event":"restart_loop","restarts":3,"withinSeconds":60})j") << "firing" << 3.0 << "" << "App web: 3 restarts within 60 s";
    QTest::newRow("engine") << QByteArray(R"j({"name":"d","kind":"event","event":"engine_down"})j") << "resolved" << 0.0 << "" << "The container engine is back";
    QTest::newRow("log") << QByteArray(R"j({"name":"l","kind":"log","appId":7,"pattern":"ERR","count":5})j") << "firing" << 5.0 << "" << "App web: 5 lines matched /ERR/ within 60 s";
    // clang-format on
}

void TestAlertEvaluation::describe() {
    QFETCH(QByteArray, json);
    QFETCH(QString, state);
    QFETCH(double, value);
    QFETCH(QString, detail);
    QFETCH(QString, message);
    const Rule r = rule(json);
    Transition t{1,     r.kind == u"metric" && !r.appId ? std::nullopt : std::optional<qint64>(7),
                 state, 0,
                 value, detail};
    QCOMPARE(mist::alerts::describe(r, t, QStringLiteral("web")), message);
}

void TestAlertEvaluation::topApps() {
    QCOMPARE(withTopApps(QStringLiteral("Host CPU 94 %"), {}), QStringLiteral("Host CPU 94 %"));
    QCOMPARE(withTopApps(QStringLiteral("Host CPU 94 %"),
                         {{QStringLiteral("worker"), 22}, {QStringLiteral("web"), 61.04}}),
             QStringLiteral("Host CPU 94 % \u2014 app web 61 %, worker 22 %"));
    QCOMPARE(withTopApps(QStringLiteral("M"), {{QStringLiteral("a"), 1},
                                               {QStringLiteral("b"), 4},
                                               {QStringLiteral("n"), qQNaN()},
                                               {QStringLiteral("c"), 3},
                                               {QStringLiteral("d"), 2}}),
             QStringLiteral("M \u2014 app b 4 %, c 3 %, d 2 %, \u2026"));
}

QTEST_GUILESS_MAIN(TestAlertEvaluation)
#include "tst_alertevaluation.moc"
