// SPDX-License-Identifier: GPL-3.0-or-later

#include "DesktopApp.h"
#include "GuiLogging.h"

#include "MainWindow.h"
#include "client/ServerSession.h"
#include "engine/DockerClient.h"
#include "engine/EngineApi.h"
#include "server/MistServer.h"
#include "store/Store.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QRandomGenerator>
#include <QTextStream>
#include <QTranslator>

namespace mist::gui {

namespace {
// The desktop app signs in to its own embedded server as this account. It is
// created on first run with a random password nobody needs: the app makes
// its session directly in the database it owns.
const QString LocalOperatorEmail = QStringLiteral("operator@localhost.localdomain");

Expected<QByteArray> localOperatorSession(store::Store &store) {
    auto user = store::orLogged(store.users().byEmail(LocalOperatorEmail));
    if (!user) {
        QByteArray password(32, '\0');
        for (char &c : password)
            c = char('a' + QRandomGenerator::system()->bounded(26));
        const auto added = store.users().add(LocalOperatorEmail, store::Role::Owner, password);
        if (!added)
            return fail(added.error());
        user = *added;
    }
    return store.sessions().create(user->id);
}

} // namespace

bool installTranslations(QCoreApplication &app) {
    auto *qt = new QTranslator(&app);
    const bool qtFound = qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                                  QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    if (qtFound)
        QCoreApplication::installTranslator(qt);
    auto *own = new QTranslator(&app);
    if (own->load(QLocale(), QStringLiteral("mist-monitor"), QStringLiteral("_"),
                  QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(own);
    return qtFound;
}

int runDesktopApp(int argc, char *argv[]) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("mist-monitor"));
    QApplication::setApplicationName(QStringLiteral("mist-monitor"));
    QApplication::setApplicationDisplayName(QStringLiteral("Mist Monitor"));
    QApplication::setApplicationVersion(QStringLiteral(MIST_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("mist-monitor"));
    installTranslations(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QObject::tr("Mist Monitor desktop app"));
    server::ServerConfig::addOptions(parser);
    // Described in `mist-monitor --help`, which the headless path prints.
    parser.addOption({QStringLiteral("ca-cert"),
                      QStringLiteral("Trust only this PEM CA for remote servers' certificates."),
                      QStringLiteral("FILE")});
    parser.process(app);
    auto config = server::ServerConfig::fromParser(parser);
    if (!config) {
        QMessageBox::critical(nullptr, QObject::tr("Mist Monitor"), config.error());
        return 2;
    }
    // A bad --ca-cert is a usage error like an unknown option (which the
    // parser reports on stderr): said on stderr, exit 2, no window.
    QString caCertFile;
    if (parser.isSet(QStringLiteral("ca-cert"))) {
        caCertFile = parser.value(QStringLiteral("ca-cert"));
        if (const auto pinned = client::ServerSession::pinnedCaConfiguration(caCertFile); !pinned) {
            QTextStream(stderr) << "mist-monitor: --ca-cert: " << pinned.error() << '\n';
            return 2;
        }
        caCertFile = QFileInfo(caCertFile).absoluteFilePath(); // it may be saved
    }
    // The embedded server listens on loopback only, on whatever port is free.
    if (!parser.isSet(QStringLiteral("listen"))) {
        config->listenAddress = QHostAddress(QHostAddress::LocalHost);
        config->port = 0;
    }

    MainWindow window;
    window.setCaCertFile(caCertFile);
    server::MistServer server(*config);
    if (const Expected<void> started = server.start(); !started) {
        QMessageBox::warning(&window, QObject::tr("Mist Monitor"),
                             QObject::tr("The embedded server could not start: %1\n\nYou can "
                                         "still connect to a remote server.")
                                 .arg(started.error()));
    } else {
        const auto token = localOperatorSession(server.store());
        // Without a session the window still opens, signed out.
        if (!token)
            qCWarning(lcGui).noquote() << "cannot sign in to the embedded server:" << token.error();
        auto *session = new client::ServerSession(server.httpUrl(), &window);
        session->setToken(token.value_or(QByteArray()));
        const QString label = QObject::tr("Local server");
        window.setLocalSession(session, label);
        window.setLocalEngineAddress(server.docker().host().toString());
        window.connectTo(session, label);
        // Say plainly when there is no engine; the app still opens.
        engine::Engine(server.docker())
            .ping(&window, [&window, &server](const engine::EngineResult<void> &pong) {
                if (!pong)
                    window.showEngineProblem(
                        QObject::tr("No Docker engine at %1: %2")
                            .arg(server.docker().host().toString(), pong.error().message));
            });
    }
    window.show();
    return QApplication::exec();
}

} // namespace mist::gui
