// SPDX-License-Identifier: GPL-3.0-or-later

// DockerHost parsing: pure, no engine needed.
#include "engine/DockerHost.h"

#include <QDir>
#include <QtTest>

using mist::engine::DockerHost;

namespace {

// Sets or unsets an environment variable for the lifetime of the guard, restoring the old value,
// so these tests do not disturb DOCKER_HOST for anything else in the process.
class EnvGuard {
public:
    EnvGuard(const char *name, const QByteArray &value, bool set = true)
        : m_name(name)
        , m_had(qEnvironmentVariableIsSet(name))
        , m_old(qgetenv(name)) {
        if (set)
            qputenv(name, value);
        else
            qunsetenv(name);
    }
    ~EnvGuard() {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }

private:
    const char *m_name;
    bool m_had;
    QByteArray m_old;
};

} // namespace

class TestDockerHost : public QObject {
    Q_OBJECT
private slots:
    void parse_data();
    void parse();
    void toStringRoundTrips_data();
    void toStringRoundTrips();
    void fromEnvironment();
};

void TestDockerHost::parse_data() {
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QString>("certDir");
    QTest::addColumn<bool>("tlsVerify");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("isUnix");
    QTest::addColumn<QString>("socketPath");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<bool>("tls");
    QTest::addColumn<QString>("certFile");
    QTest::addColumn<QString>("keyFile");
    QTest::addColumn<QString>("caFile");

    const QString home = QDir::home().filePath(QStringLiteral(".docker"));
    auto unixRow = [](const char *name, const QString &uri, const QString &path,
                      const QString &certDir = {}, bool verify = false) {
        QTest::newRow(name) << uri << certDir << verify << true << true << path << QString() << 0
                            << false << QString() << QString() << QString();
    };
    auto tcpRow = [](const char *name, const QString &uri, const QString &host, int port,
                     const QString &certDir = {}, bool verify = false, const QString &files = {}) {
        const bool tls = !files.isEmpty();
        QTest::newRow(name) << uri << certDir << verify << true << false << QString() << host
                            << port << tls << (tls ? files + "/cert.pem" : QString())
                            << (tls ? files + "/key.pem" : QString())
                            << (tls ? files + "/ca.pem" : QString());
    };
    auto bad = [](const char *name, const QString &uri) {
        QTest::newRow(name) << uri << QString() << false << false << false << QString() << QString()
                            << 0 << false << QString() << QString() << QString();
    };

    unixRow("unix default", "unix:///var/run/docker.sock", "/var/run/docker.sock");
    unixRow("unix tmp", "unix:///tmp/mistdock/docker.sock", "/tmp/mistdock/docker.sock");
    unixRow("unix surrounding spaces", "  unix:///run/docker.sock \n", "/run/docker.sock");
    unixRow("unix double slash cleaned", "unix:///run//docker.sock", "/run/docker.sock");
    unixRow("unix space in path", "unix:///tmp/my dir/d.sock", "/tmp/my dir/d.sock");
    unixRow("unix upper-case scheme", "UNIX:///run/docker.sock", "/run/docker.sock");
    unixRow("unix ignores cert dir", "unix:///run/docker.sock", "/run/docker.sock", "/certs", true);

    tcpRow("tcp ipv4", "tcp://127.0.0.1:2375", "127.0.0.1", 2375);
    tcpRow("tcp name", "tcp://docker.example.com:2375", "docker.example.com", 2375);
    tcpRow("tcp trailing slash", "tcp://localhost:2375/", "localhost", 2375);
    tcpRow("tcp port 1", "tcp://h:1", "h", 1);
    tcpRow("tcp port 65535", "tcp://h:65535", "h", 65535);
    tcpRow("tcp upper-case scheme", "TCP://h:2375", "h", 2375);
    tcpRow("tcp ipv6 loopback", "tcp://[::1]:2376", "::1", 2376);
    tcpRow("tcp ipv6 full", "tcp://[2001:db8::42]:2375/", "2001:db8::42", 2375);
    tcpRow("tcp cert dir", "tcp://10.0.0.5:2376", "10.0.0.5", 2376, "/etc/mist/certs", false,
           "/etc/mist/certs");
    tcpRow("tcp cert dir + verify", "tcp://[::1]:2376", "::1", 2376, "/certs", true, "/certs");
    tcpRow("tcp verify, default dir", "tcp://engine:2376", "engine", 2376, {}, true, home);

    bad("empty", "");
    bad("blank", "   ");
    bad("garbage", "garbage");
    bad("bare path", "/var/run/docker.sock");
    bad("http scheme", "http://localhost:2375");
    bad("https scheme", "https://localhost:2376");
    bad("npipe scheme", "npipe:////./pipe/docker_engine");
    bad("ssh scheme", "ssh://user@host");
    bad("no scheme name", "://host:1");
    bad("unix relative", "unix://relative/docker.sock");
    bad("unix empty", "unix://");
    bad("unix root only", "unix:///");
    bad("unix query", "unix:///run/docker.sock?x=1");
    bad("tcp empty", "tcp://");
    bad("tcp missing port", "tcp://localhost");
    bad("tcp empty port", "tcp://localhost:");
    bad("tcp port 0", "tcp://localhost:0");
    bad("tcp port 65536", "tcp://localhost:65536");
    bad("tcp huge port", "tcp://localhost:99999999999");
    bad("tcp negative port", "tcp://localhost:-1");
    bad("tcp plus port", "tcp://localhost:+80");
    bad("tcp port letters", "tcp://localhost:http");
    bad("tcp empty host", "tcp://:2375");
    bad("tcp space in host", "tcp://ho st:2375");
    bad("tcp path", "tcp://localhost:2375/v1.41");
    bad("tcp user info", "tcp://user@localhost:2375");
    bad("tcp ipv6 unbracketed", "tcp://::1:2376");
    bad("tcp ipv6 missing port", "tcp://[::1]");
    bad("tcp ipv6 empty port", "tcp://[::1]:");
    bad("tcp ipv6 unterminated", "tcp://[::1:2376");
    bad("tcp ipv6 not an address", "tcp://[zz::1]:2376");
    bad("tcp ipv4 in brackets", "tcp://[127.0.0.1]:2376");
}

void TestDockerHost::parse() {
    QFETCH(QString, uri);
    QFETCH(QString, certDir);
    QFETCH(bool, tlsVerify);
    QFETCH(bool, valid);

    const auto h = DockerHost::parse(uri, certDir, tlsVerify);
    if (!valid) {
        QVERIFY2(!h, qPrintable(QStringLiteral("accepted: ") + uri));
        QVERIFY(!h.error().isEmpty());
        return;
    }
    QVERIFY2(h, qPrintable(h.error()));

    QFETCH(bool, isUnix);
    QFETCH(QString, socketPath);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(bool, tls);
    QFETCH(QString, certFile);
    QFETCH(QString, keyFile);
    QFETCH(QString, caFile);
    QCOMPARE(h->kind, isUnix ? DockerHost::Kind::Unix : DockerHost::Kind::Tcp);
    QCOMPARE(h->socketPath, socketPath);
    QCOMPARE(h->host, host);
    QCOMPARE(h->port, port);
    QCOMPARE(h->tls, tls);
    QCOMPARE(h->certFile, certFile);
    QCOMPARE(h->keyFile, keyFile);
    QCOMPARE(h->caFile, caFile);
}

void TestDockerHost::toStringRoundTrips_data() {
    QTest::addColumn<QString>("uri");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unix") << "unix:///var/run/docker.sock"
                          << "unix:///var/run/docker.sock";
    QTest::newRow("tcp") << "tcp://10.1.2.3:2375"
                         << "tcp://10.1.2.3:2375";
    QTest::newRow("tcp slash") << "tcp://h:2375/"
                               << "tcp://h:2375";
    QTest::newRow("ipv6") << "tcp://[::1]:2376"
                          << "tcp://[::1]:2376";
}

void TestDockerHost::toStringRoundTrips() {
    QFETCH(QString, uri);
    QFETCH(QString, expected);
    const auto h = DockerHost::parse(uri, {}, false);
    QVERIFY2(h, qPrintable(h.error()));
    QCOMPARE(h->toString(), expected);
    const auto again = DockerHost::parse(h->toString(), {}, false);
    QVERIFY2(again, qPrintable(again.error()));
    QVERIFY(*again == *h);
}

void TestDockerHost::fromEnvironment() {
    {
        EnvGuard host("DOCKER_HOST", {}, false);
        EnvGuard cert("DOCKER_CERT_PATH", {}, false);
        EnvGuard verify("DOCKER_TLS_VERIFY", {}, false);
        auto h = DockerHost::fromEnvironment({});
        QVERIFY2(h, qPrintable(h.error()));
        QCOMPARE(h->toString(), QStringLiteral("unix:///var/run/docker.sock"));

        // The --docker-host value wins.
        h = DockerHost::fromEnvironment(QStringLiteral("tcp://h:2375"));
        QVERIFY2(h, qPrintable(h.error()));
        QCOMPARE(h->toString(), QStringLiteral("tcp://h:2375"));
        QVERIFY(!h->tls);
    }
    {
        EnvGuard host("DOCKER_HOST", "unix:///tmp/elsewhere.sock");
        EnvGuard cert("DOCKER_CERT_PATH", {}, false);
        EnvGuard verify("DOCKER_TLS_VERIFY", {}, false);
        auto h = DockerHost::fromEnvironment({});
        QVERIFY2(h, qPrintable(h.error()));
        QCOMPARE(h->socketPath, QStringLiteral("/tmp/elsewhere.sock"));
        h = DockerHost::fromEnvironment(QStringLiteral("unix:///run/other.sock"));
        QVERIFY2(h, qPrintable(h.error()));
        QCOMPARE(h->socketPath, QStringLiteral("/run/other.sock"));
    }
    {
        EnvGuard host("DOCKER_HOST", "tcp://[::1]:2376");
        EnvGuard cert("DOCKER_CERT_PATH", "/srv/certs");
        EnvGuard verify("DOCKER_TLS_VERIFY", "1");
        const auto h = DockerHost::fromEnvironment({});
        QVERIFY2(h, qPrintable(h.error()));
        QVERIFY(h->tls);
        QCOMPARE(h->host, QStringLiteral("::1"));
        QCOMPARE(h->certFile, QStringLiteral("/srv/certs/cert.pem"));
        QCOMPARE(h->keyFile, QStringLiteral("/srv/certs/key.pem"));
        QCOMPARE(h->caFile, QStringLiteral("/srv/certs/ca.pem"));
    }
    {
        EnvGuard host("DOCKER_HOST", "tcp://engine:2375");
        EnvGuard cert("DOCKER_CERT_PATH", {}, false);
        EnvGuard verify("DOCKER_TLS_VERIFY", "0");
        const auto h = DockerHost::fromEnvironment({});
        QVERIFY2(h, qPrintable(h.error()));
        QVERIFY(!h->tls);
    }
    {
        EnvGuard host("DOCKER_HOST", "http://engine:2375");
        const auto h = DockerHost::fromEnvironment({});
        QVERIFY(!h);
        QVERIFY(h.error().contains(QLatin1String("http://engine:2375")));
    }
}

QTEST_GUILESS_MAIN(TestDockerHost)
#include "tst_dockerhost.moc"
