// SPDX-License-Identifier: GPL-3.0-or-later

// The desktop app's remote connections over TLS, against a real wss server
// whose certificate comes from a private CA: with that CA pinned (--ca-cert,
// or the connect dialog's CA field, remembered with the saved connection) the
// window signs in and streams; without it the connection is refused and the
// certificate's reason is on screen; a --ca-cert file without a certificate
// stops the app with a clear message and exit code 2.
#include "ConnectDialog.h"
#include "CredentialStore.h"
#include "MainWindow.h"
#include "MetricsView.h"
#include "TestPaths.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSslError>
#include <QTest>

#include <functional>

using namespace mist;
using namespace mist::test;

namespace {
const QString Binary = mist::test::binaryPath(QStringLiteral("mist-monitor"));
const QString Email = QStringLiteral("owner@example.com");
const QString Password = QStringLiteral("correct horse battery");

template <typename T> T *part(QWidget *dialog, const char *name) {
    T *w = dialog->findChild<T *>(QLatin1String(name));
    if (!w)
        qFatal("the connect dialog has no %s", name);
    return w;
}

// Answers each connect dialog the window opens (the first from the menu, the
// next after a failure) with the next handler, while exec() runs.
class DialogDriver : public QObject {
public:
    QList<std::function<void(gui::ConnectDialog *)>> handlers;
    int handled = 0;

    DialogDriver() {
        m_timer.setInterval(20);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            auto *dialog = qobject_cast<gui::ConnectDialog *>(QApplication::activeModalWidget());
            if (!dialog || dialog == m_last || handlers.isEmpty())
                return;
            m_last = dialog;
            ++handled;
            handlers.takeFirst()(dialog);
        });
        m_timer.start();
    }

private:
    QTimer m_timer;
    QPointer<gui::ConnectDialog> m_last;
};

void fill(gui::ConnectDialog *d, const QString &url, const QString &caCert, bool remember) {
    part<QLineEdit>(d, "url")->setText(url);
    part<QLineEdit>(d, "email")->setText(Email);
    part<QLineEdit>(d, "password")->setText(Password);
    part<QLineEdit>(d, "caCert")->setText(caCert);
    part<QCheckBox>(d, "remember")->setChecked(remember);
}

void clickOk(gui::ConnectDialog *d) {
    part<QDialogButtonBox>(d, "buttons")->button(QDialogButtonBox::Ok)->click();
}

void clickCancel(gui::ConnectDialog *d) {
    part<QDialogButtonBox>(d, "buttons")->button(QDialogButtonBox::Cancel)->click();
}

QString message(gui::ConnectDialog *d) {
    return part<QLabel>(d, "message")->text();
}
} // namespace

class TestRemoteTls : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::unique_ptr<ServerFixture> f;
    QString caFile;
    QString base;

    bool waitFor(const std::function<bool()> &predicate, int timeoutMs = 20000) {
        WsRecorder w;
        return w.waitFor(predicate, timeoutMs);
    }

    static bool isConnected(const gui::MainWindow &window) {
        return window.connectionText().endsWith(QStringLiteral(" — connected"));
    }

    bool openssl(const QStringList &args) {
        QProcess p;
        p.setWorkingDirectory(dir.path());
        p.start(QStringLiteral("openssl"), args);
        if (!p.waitForFinished(30000) || p.exitCode() != 0) {
            qWarning("openssl %s: %s", qPrintable(args.join(u' ')),
                     p.readAllStandardError().constData());
            return false;
        }
        return true;
    }

    struct Run {
        int exitCode = -1;
        QByteArray err;
    };
    Run runDesktop(const QStringList &args) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        p.setProcessEnvironment(env);
        p.start(Binary, args + QStringList{QStringLiteral("--data-dir"),
                                           dir.filePath(QStringLiteral("refused-data"))});
        if (!p.waitForFinished(30000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardError()};
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir.isValid());
        // The window's settings (saved connections) go to a scratch file.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                           dir.filePath(QStringLiteral("settings")));

        // A private CA, and the server's certificate signed by it.
        caFile = dir.filePath(QStringLiteral("ca.pem"));
        QVERIFY(openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt",
                         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                         "/CN=Mist Monitor test CA", "-keyout", "ca.key", "-out", "ca.pem"}));
        QVERIFY(openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                         "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "key.pem", "-out",
                         "server.csr"}));
        QFile ext(dir.filePath(QStringLiteral("server.ext")));
        QVERIFY(ext.open(QIODevice::WriteOnly));
        ext.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                  "extendedKeyUsage=serverAuth\n");
        ext.close();
        QVERIFY(openssl({"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                         "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out",
                         "cert.pem"}));

        server::ServerConfig config;
        config.tlsCert = dir.filePath(QStringLiteral("cert.pem"));
        config.tlsKey = dir.filePath(QStringLiteral("key.pem"));
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(Email, store::Role::Owner);
        base = QStringLiteral("wss://127.0.0.1:%1").arg(f->port());
    }

    void init() { QSettings().remove(QStringLiteral("connections")); }

    void pinnedCaFromCommandLineConnects() {
        // What `mist-monitor --ca-cert ca.pem` does: the window trusts that CA.
        gui::MainWindow window;
        window.setCaCertFile(caFile);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        DialogDriver driver;
        QString prefilled;
        driver.handlers << [&](gui::ConnectDialog *d) {
            prefilled = part<QLineEdit>(d, "caCert")->text();
            fill(d, base, prefilled, false);
            clickOk(d);
        };
        window.findChild<QAction *>(QStringLiteral("connectRemoteAction"))->trigger();
        QCOMPARE(driver.handled, 1);
        QCOMPARE(prefilled, caFile);

        // Signed in over https, then the metrics stream over wss.
        QVERIFY2(waitFor([&] { return isConnected(window); }), qPrintable(window.connectionText()));
        QVERIFY(waitFor([&] { return window.metricsView()->cpuSeries()->count() >= 1; }));
        QVERIFY2(window.connectionText().startsWith(
                     QStringLiteral("https://127.0.0.1:%1 (%2)").arg(f->port()).arg(Email)),
                 qPrintable(window.connectionText()));
    }

    void withoutCaRefusedWithTheReason() {
        // System CAs only: the private CA is unknown.
        gui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        DialogDriver driver;
        QString prefilled = QStringLiteral("unset");
        QString shownInDialog;
        QString shownInStatusBar;
        driver.handlers << [&](gui::ConnectDialog *d) {
            prefilled = part<QLineEdit>(d, "caCert")->text();
            fill(d, base, QString(), false);
            clickOk(d);
        };
        // The dialog comes back with the reason, the status bar says it too.
        driver.handlers << [&](gui::ConnectDialog *d) {
            shownInDialog = message(d);
            shownInStatusBar = window.connectionText();
            QCOMPARE(part<QLineEdit>(d, "url")->text(),
                     QStringLiteral("https://127.0.0.1:%1").arg(f->port()));
            QCOMPARE(part<QLineEdit>(d, "email")->text(), Email);
            clickCancel(d);
        };
        window.findChild<QAction *>(QStringLiteral("connectRemoteAction"))->trigger();
        QVERIFY(prefilled.isEmpty());
        QVERIFY(waitFor([&] { return driver.handled == 2; }));

        const QString reason =
            QSslError(QSslError::UnableToGetLocalIssuerCertificate).errorString();
        for (const QString &shown : {shownInDialog, shownInStatusBar}) {
            QVERIFY2(shown.contains(
                         QStringLiteral("TLS error with https://127.0.0.1:%1: ").arg(f->port())),
                     qPrintable(shown));
            QVERIFY2(shown.contains(reason), qPrintable(shown));
        }
        // Cancel: the failure's message does not stay in the status bar (issue #20, item 4).
        QCOMPARE(window.connectionText(), QStringLiteral("Not connected"));
        qInfo("shown: %s", qPrintable(shownInDialog));
        QVERIFY(!isConnected(window));
        QCOMPARE(QSettings().beginReadArray(QStringLiteral("connections")), 0);
    }

    void caFieldPinsAndIsRememberedWithTheServer() {
        {
            gui::MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            DialogDriver driver;
            driver.handlers << [&](gui::ConnectDialog *d) {
                fill(d, base, caFile, true);
                clickOk(d);
            };
            window.findChild<QAction *>(QStringLiteral("connectRemoteAction"))->trigger();
            QVERIFY2(waitFor([&] { return isConnected(window); }),
                     qPrintable(window.connectionText()));
        }
        // The CA file is saved with the server (the password goes to the
        // keychain, never to this file).
        QSettings settings;
        QCOMPARE(settings.beginReadArray(QStringLiteral("connections")), 1);
        settings.setArrayIndex(0);
        QCOMPARE(settings.value(QStringLiteral("url")).toString(),
                 QStringLiteral("https://127.0.0.1:%1").arg(f->port()));
        QCOMPARE(settings.value(QStringLiteral("email")).toString(), Email);
        QCOMPARE(settings.value(QStringLiteral("caCert")).toString(), caFile);
        settings.endArray();
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(Password.toUtf8()));

        // A new window lists it; choosing it uses the saved CA. Without a
        // keychain here the dialog asks for the password, CA filled in.
        gui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        DialogDriver driver;
        QString prefilled;
        driver.handlers << [&](gui::ConnectDialog *d) {
            prefilled = part<QLineEdit>(d, "caCert")->text();
            part<QLineEdit>(d, "password")->setText(Password);
            part<QCheckBox>(d, "remember")->setChecked(false);
            clickOk(d);
        };
        auto *saved = window.findChild<QAction *>(QStringLiteral("savedConnection0"));
        QVERIFY(saved);
        saved->trigger();
        QVERIFY2(waitFor([&] { return isConnected(window); }), qPrintable(window.connectionText()));
        if (driver.handled == 1) // else a keychain had the password
            QCOMPARE(prefilled, caFile);
        // Leave no test password in a keychain of the machine, if it has one.
        gui::CredentialStore::remove(gui::CredentialStore::keyFor(
            QStringLiteral("https://127.0.0.1:%1").arg(f->port()), Email));
    }

    void badCaFileRefusedByTheDialog_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not PEM") << "/etc/hostname"
                                 << "CA certificate: no PEM certificate in '/etc/hostname'";
        QTest::newRow("missing") << "/nonexistent/ca.pem"
                                 << "CA certificate: cannot read '/nonexistent/ca.pem': ";
    }

    void badCaFileRefusedByTheDialog() {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        gui::ConnectDialog dialog;
        dialog.show();
        fill(&dialog, base, file, false);
        clickOk(&dialog);
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY2(message(&dialog).startsWith(expected), qPrintable(message(&dialog)));
    }

    void badCaCertOnTheCommandLine_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("not PEM") << "/etc/hostname"
                                 << QByteArray("mist-monitor: --ca-cert: no PEM certificate in "
                                               "'/etc/hostname'\n");
        QTest::newRow("missing") << "/nonexistent/ca.pem"
                                 << QByteArray("mist-monitor: --ca-cert: cannot read "
                                               "'/nonexistent/ca.pem': ");
    }

    void badCaCertOnTheCommandLine() {
        QFETCH(QString, file);
        QFETCH(QByteArray, expected);
        const Run r = runDesktop({QStringLiteral("--ca-cert"), file});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains('\n' + expected) || r.err.startsWith(expected), r.err.constData());
        // Refused before the embedded server started.
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("refused-data/server.json"))));
    }

    void goodCaCertOnTheCommandLineStartsTheApp() {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        p.setProcessEnvironment(env);
        const QString data = dir.filePath(QStringLiteral("desktop-data"));
        p.start(Binary, {QStringLiteral("--ca-cert"), caFile, QStringLiteral("--data-dir"), data});
        // Past its options: the embedded server runs and says where.
        const bool started = waitFor([&] {
            return QFile::exists(data + QStringLiteral("/server.json")) ||
                   p.state() == QProcess::NotRunning;
        });
        const bool running = p.state() == QProcess::Running;
        p.terminate();
        if (!p.waitForFinished(10000)) {
            p.kill();
            p.waitForFinished();
        }
        QVERIFY2(started && running, p.readAllStandardError().constData());
    }
};

QTEST_MAIN(TestRemoteTls)
#include "tst_remotetls.moc"
