// SPDX-License-Identifier: GPL-3.0-or-later

// Server options: --listen parsing, the --config file, and which one wins.
#include "server/ServerConfig.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace mist::server;

class TestServerConfig : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    QString writeConfig(const QByteArray &content) {
        const QString path = dir.filePath(QStringLiteral("server-%1.conf").arg(++m_files));
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(content);
        return path;
    }

    std::optional<ServerConfig> parse(const QStringList &args, QString *error) {
        QCommandLineParser parser;
        ServerConfig::addOptions(parser);
        if (!parser.parse(QStringList{QStringLiteral("mist-monitor")} + args)) {
            *error = parser.errorText();
            return std::nullopt;
        }
        auto config = ServerConfig::fromParser(parser);
        if (!config) {
            *error = config.error();
            return std::nullopt;
        }
        return *config;
    }

    int m_files = 0;

private Q_SLOTS:
    void listen_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("address");
        QTest::addColumn<int>("port");
        QTest::newRow("v4") << "127.0.0.1:8080" << true << "127.0.0.1" << 8080;
        QTest::newRow("any") << "0.0.0.0:0" << true << "0.0.0.0" << 0;
        QTest::newRow("v6") << "[::1]:9000" << true << "::1" << 9000;
        QTest::newRow("localhost") << "localhost:1" << true << "127.0.0.1" << 1;
        QTest::newRow("no port") << "127.0.0.1" << false << "" << 0;
        QTest::newRow("empty port") << "127.0.0.1:" << false << "" << 0;
        QTest::newRow("port too big") << "127.0.0.1:65536" << false << "" << 0;
        QTest::newRow("signed port") << "127.0.0.1:+80" << false << "" << 0;
        QTest::newRow("bare v6") << "::1:80" << false << "" << 0;
        QTest::newRow("hostname") << "example.com:80" << false << "" << 0;
        QTest::newRow("empty") << "" << false << "" << 0;
        QTest::newRow("huge") << QString(100000, u'1') + ":80" << false << "" << 0;
    }

    void listen() {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QString, address);
        QFETCH(int, port);
        const auto parsed = parseListenAddress(text);
        const QString error = parsed.error();
        QCOMPARE(parsed.has_value(), ok);
        if (ok) {
            QCOMPARE(parsed->first.toString(), address);
            QCOMPARE(int(parsed->second), port);
        } else {
            QVERIFY(error.startsWith(QStringLiteral("--listen wants HOST:PORT")));
        }
    }

    void duration_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds"); // -1: refused
        QTest::newRow("seconds") << "1800" << qint64(1800);
        QTest::newRow("s") << "90s" << qint64(90);
        QTest::newRow("m") << "30m" << qint64(1800);
        QTest::newRow("h") << "2h" << qint64(7200);
        QTest::newRow("d") << "1d" << qint64(86400);
        QTest::newRow("zero") << "0" << qint64(0);
        QTest::newRow("empty") << "" << qint64(-1);
        QTest::newRow("unit only") << "m" << qint64(-1);
        QTest::newRow("upper case unit") << "30M" << qint64(-1);
        QTest::newRow("word unit") << "30min" << qint64(-1);
        QTest::newRow("blank") << "30 m" << qint64(-1);
        QTest::newRow("negative") << "-5" << qint64(-1);
        QTest::newRow("fraction") << "1.5h" << qint64(-1);
        QTest::newRow("two units") << "1h30m" << qint64(-1);
        QTest::newRow("huge") << QString(5000, u'9') << qint64(-1);
        QTest::newRow("largest") << "999999999d" << qint64(999999999) * 86400;
    }

    void duration() {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        const auto parsed = parseDuration(text);
        QCOMPARE(parsed.has_value(), seconds >= 0);
        if (parsed)
            QCOMPARE(*parsed, seconds);
    }

    void byteSize_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("bytes"); // -1: refused
        QTest::newRow("bytes") << "1048576" << qint64(1048576);
        QTest::newRow("B") << "100B" << qint64(100);
        QTest::newRow("K") << "512K" << qint64(512) * 1024;
        QTest::newRow("k") << "512k" << qint64(512) * 1024;
        QTest::newRow("M") << "64M" << (qint64(64) << 20);
        QTest::newRow("MiB") << "64MiB" << (qint64(64) << 20);
        QTest::newRow("MB") << "64MB" << (qint64(64) << 20);
        QTest::newRow("G") << "1G" << (qint64(1) << 30);
        QTest::newRow("T") << "2T" << (qint64(2) << 40);
        QTest::newRow("empty") << "" << qint64(-1);
        QTest::newRow("suffix only") << "M" << qint64(-1);
        QTest::newRow("unknown suffix") << "5X" << qint64(-1);
        QTest::newRow("blank") << "64 M" << qint64(-1);
        QTest::newRow("negative") << "-1M" << qint64(-1);
        QTest::newRow("fraction") << "1.5G" << qint64(-1);
        QTest::newRow("iB alone") << "64iB" << qint64(-1);
        QTest::newRow("overflow by suffix") << "9000000T" << qint64(-1);
        QTest::newRow("overflow by digits") << "99999999999999999999" << qint64(-1);
        QTest::newRow("huge") << QString(5000, u'9') + u'M' << qint64(-1);
    }

    void byteSize() {
        QFETCH(QString, text);
        QFETCH(qint64, bytes);
        const auto parsed = parseByteSize(text);
        QCOMPARE(parsed.has_value(), bytes >= 0);
        if (parsed)
            QCOMPARE(*parsed, bytes);
    }

    void deploymentLimits() {
        QString error;
        auto c = parse({}, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->buildTimeoutSeconds, 30 * 60);
        QCOMPARE(c->deployLogLimitBytes, qint64(64) << 20);
        c = parse({QStringLiteral("--config"),
                   writeConfig("build-timeout = 90s\ndeploy-log-limit = 1M\n")},
                  &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->buildTimeoutSeconds, 90);
        QCOMPARE(c->deployLogLimitBytes, qint64(1) << 20);
        c = parse({QStringLiteral("--build-timeout"), QStringLiteral("2h"),
                   QStringLiteral("--deploy-log-limit"), QStringLiteral("1G")},
                  &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->buildTimeoutSeconds, 7200);
        QCOMPARE(c->deployLogLimitBytes, qint64(1) << 30);
        for (const QString &bad :
             {QStringLiteral("0"), QStringLiteral("8d"), QStringLiteral("soon")}) {
            QVERIFY(!parse({QStringLiteral("--build-timeout"), bad}, &error));
            QVERIFY2(error.startsWith(QStringLiteral("--build-timeout wants")), qPrintable(error));
        }
        for (const QString &bad : {QStringLiteral("0"), QStringLiteral("63K"), QStringLiteral("2T"),
                                   QStringLiteral("lots")}) {
            QVERIFY(!parse({QStringLiteral("--deploy-log-limit"), bad}, &error));
            QVERIFY2(error.startsWith(QStringLiteral("--deploy-log-limit wants")),
                     qPrintable(error));
        }
    }

    void maxQueuedTotal() {
        QString error;
        auto c = parse({}, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->maxQueuedTotal, qint64(256) << 20);
        c = parse({QStringLiteral("--max-queued-total"), QStringLiteral("64M")}, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->maxQueuedTotal, qint64(64) << 20);
        c = parse({QStringLiteral("--config"), writeConfig("max-queued-total = 1G\n")}, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->maxQueuedTotal, qint64(1) << 30);
        for (const char *bad : {"0", "512K", "2T", "lots", ""}) {
            QVERIFY(
                !parse({QStringLiteral("--max-queued-total"), QString::fromLatin1(bad)}, &error));
            QVERIFY2(error.startsWith(QStringLiteral("--max-queued-total wants a size")),
                     qPrintable(error));
        }
    }

    void logRetention_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<qint64>("bytes"); // -1: size refused, -2: days refused
        QTest::addColumn<int>("days");
        const qint64 G = qint64(1) << 30;
        QTest::newRow("defaults") << QStringList{} << G << 30;
        QTest::newRow("off") << QStringList{"--log-retention", "0"} << qint64(0) << 30;
        QTest::newRow("10M") << QStringList{"--log-retention", "10M"} << (qint64(10) << 20) << 30;
        QTest::newRow("bytes") << QStringList{"--log-retention", "1048576"} << (qint64(1) << 20)
                               << 30;
        QTest::newRow("lower-case g") << QStringList{"--log-retention", "2g"} << 2 * G << 30;
        QTest::newRow("1 PiB") << QStringList{"--log-retention", "1048576G"} << (qint64(1) << 50)
                               << 30;
        QTest::newRow("days 0") << QStringList{"--log-retention-days", "0"} << G << 0;
        QTest::newRow("days 36500") << QStringList{"--log-retention-days", "36500"} << G << 36500;
        for (const char *bad : {"", "-1", "-1G", "1023K", "1.5G", "1T", "1GB", "G", " 1G", "1G ",
                                "0x10M", "+1G", "1048577G", "99999999999999999999"})
            QTest::newRow(qPrintable(QStringLiteral("bad size '%1'").arg(bad)))
                << QStringList{"--log-retention", QString::fromLatin1(bad)} << qint64(-1) << 0;
        QTest::newRow("bad size huge")
            << QStringList{"--log-retention", QString(100000, u'9')} << qint64(-1) << 0;
        for (const char *bad : {"", "-1", "36501", "1.5", "30d", "+3", "99999999999"})
            QTest::newRow(qPrintable(QStringLiteral("bad days '%1'").arg(bad)))
                << QStringList{"--log-retention-days", QString::fromLatin1(bad)} << qint64(-2) << 0;
        QTest::newRow("bad days huge")
            << QStringList{"--log-retention-days", QString(100000, u'9')} << qint64(-2) << 0;
    }

    void logRetention() {
        QFETCH(QStringList, args);
        QFETCH(qint64, bytes);
        QFETCH(int, days);
        QString error;
        const auto c = parse(args, &error);
        if (bytes == -1 || bytes == -2) {
            QVERIFY(!c);
            const QString want = bytes == -1 ? QStringLiteral("--log-retention wants ")
                                             : QStringLiteral("--log-retention-days wants ");
            QVERIFY2(error.startsWith(want), qPrintable(error));
            QVERIFY2(error.size() < 200, "the value is quoted cut short");
            return;
        }
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->logRetentionBytes, bytes);
        QCOMPARE(c->logRetentionDays, days);
    }

    void logRetentionFromConfigFile() {
        QString error;
        auto c = parse({QStringLiteral("--config"),
                        writeConfig("log-retention = 0\nlog-retention-days = 7\n")},
                       &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->logRetentionBytes, qint64(0));
        QCOMPARE(c->logRetentionDays, 7);
        c = parse({QStringLiteral("--config"), writeConfig("log-retention = 5M\n"),
                   QStringLiteral("--log-retention"), QStringLiteral("2G")},
                  &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->logRetentionBytes, qint64(2) << 30);
        QVERIFY(
            !parse({QStringLiteral("--config"), writeConfig("log-retention = lots\n")}, &error));
        QVERIFY2(error.startsWith(QStringLiteral("--log-retention wants ")), qPrintable(error));
    }

    void configFileFillsInAndCommandLineWins() {
        const QString path = writeConfig("# a comment\n"
                                         "listen = 0.0.0.0:9090\n"
                                         "data-dir = \"/var/lib/mist\"\n"
                                         "allowed-origin = https://a.example\n"
                                         "allowed-origin = https://b.example\n"
                                         "ping-interval = 10\n"
                                         "\n"
                                         "deploy-workers = 3\n");
        QString error;
        auto c = parse({QStringLiteral("--config"), path}, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->port, quint16(9090));
        QCOMPARE(c->dataDir, QStringLiteral("/var/lib/mist"));
        QCOMPARE(c->allowedOrigins, (QStringList{"https://a.example", "https://b.example"}));
        QCOMPARE(c->pingIntervalSeconds, 10);
        QCOMPARE(c->deployWorkers, 3);
        c = parse({QStringLiteral("--config"), path, QStringLiteral("--listen"),
                   QStringLiteral("127.0.0.1:7000"), QStringLiteral("--ping-interval"),
                   QStringLiteral("5")},
                  &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->port, quint16(7000));
        QCOMPARE(c->pingIntervalSeconds, 5);
        QCOMPARE(c->dataDir, QStringLiteral("/var/lib/mist"));
    }

    void badConfigFiles_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown key")
            << QByteArray("listn = 1.2.3.4:5\n") << "line 1: expected one of";
        QTest::newRow("no equals")
            << QByteArray("\nlisten 127.0.0.1:80\n") << "line 2: expected one of";
        QTest::newRow("twice") << QByteArray("listen = 127.0.0.1:1\nlisten = 127.0.0.1:2\n")
                               << "listen is set twice";
        QTest::newRow("bad value") << QByteArray("ping-interval = soon\n") << "--ping-interval";
        QTest::newRow("binary") << QByteArray("\x01\x02\x03=\xff\n", 7) << "expected one of";
        QTest::newRow("too large") << QByteArray(2 * 1024 * 1024, '#') << "larger than 1 MiB";
    }

    void badConfigFiles() {
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        QString error;
        QVERIFY(!parse({QStringLiteral("--config"), writeConfig(content)}, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void missingConfigFile() {
        QString error;
        QVERIFY(!parse({QStringLiteral("--config"), QStringLiteral("/nonexistent/server.conf")},
                       &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot read config file")), qPrintable(error));
    }

    void connectionOptions_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("error"); // empty: accepted
        QTest::newRow("defaults") << QStringList{} << "";
        QTest::newRow("limits") << QStringList{"--max-connections", "100",
                                               "--max-connections-per-address", "0"}
                                << "";
        QTest::newRow("too few") << QStringList{"--max-connections", "15"} << "--max-connections";
        QTest::newRow("not a number")
            << QStringList{"--max-connections", "many"} << "--max-connections";
        QTest::newRow("negative per address") << QStringList{"--max-connections-per-address", "-1"}
                                              << "--max-connections-per-address";
        QTest::newRow("hosts") << QStringList{"--allowed-host", "Mist.Example.com",
                                              "--allowed-host", "*.apps.example.com"}
                               << "";
        QTest::newRow("host with port")
            << QStringList{"--allowed-host", "mist.example.com:443"} << "--allowed-host";
        QTest::newRow("host as URL")
            << QStringList{"--allowed-host", "https://mist.example.com"} << "--allowed-host";
        QTest::newRow("huge host")
            << QStringList{"--allowed-host", QString(100000, u'a')} << "--allowed-host";
    }

    void connectionOptions() {
        QFETCH(QStringList, args);
        QFETCH(QString, error);
        QString message;
        const auto c = parse(args, &message);
        QCOMPARE(c.has_value(), error.isEmpty());
        if (!c) {
            QVERIFY2(message.startsWith(error), qPrintable(message));
            QVERIFY(message.size() < 400);
            return;
        }
        if (args.isEmpty()) {
            QCOMPARE(c->maxConnections, 4096);
            QCOMPARE(c->maxConnectionsPerAddress, 256);
            QVERIFY(c->allowedHosts.isEmpty());
        } else if (args.contains(QStringLiteral("--allowed-host"))) {
            QCOMPARE(c->allowedHosts, (QStringList{"mist.example.com", "*.apps.example.com"}));
        } else {
            QCOMPARE(c->maxConnections, 100);
            QCOMPARE(c->maxConnectionsPerAddress, 0);
        }
    }

    void connectionOptionsInConfigFile() {
        QString error;
        const auto c =
            parse({QStringLiteral("--config"), writeConfig("allowed-host = a.example\n"
                                                           "allowed-host = b.example\n"
                                                           "max-connections = 2000\n"
                                                           "max-connections-per-address = 50\n")},
                  &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->allowedHosts, (QStringList{"a.example", "b.example"}));
        QCOMPARE(c->maxConnections, 2000);
        QCOMPARE(c->maxConnectionsPerAddress, 50);
        QVERIFY(!parse(
            {QStringLiteral("--config"), writeConfig("max-connections = 1\nmax-connections = 2\n")},
            &error));
        QVERIFY2(error.contains(QStringLiteral("set twice")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestServerConfig)
#include "tst_serverconfig.moc"
