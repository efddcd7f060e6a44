// SPDX-License-Identifier: GPL-3.0-or-later

#include "ServerRunner.h"

#include "MistServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace mist::server {

namespace {
int g_signalPipe[2] = {-1, -1};

void onSignal(int) {
    // Only async-signal-safe work here: wake the event loop through the pipe.
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &c, 1);
}
} // namespace

int runHeadlessServer(const QStringList &arguments) {
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Mist Monitor: live container logs, deployments and host metrics.\n"
        "\n"
        "  mist-monitor [OPTIONS]            the desktop app with its embedded server\n"
        "  mist-monitor --server [OPTIONS]   the server alone, without a display\n"
        "\n"
        "Subcommands (each has --help):\n"
        "  user add|list, app add|list, project add-member, token create|list|revoke\n"
        "      operator commands against the data directory\n"
        "  deploy, deployment, logs, metrics\n"
        "      stream clients of the local server or a remote one\n"
        "\n"
        "Manual: man mist-monitor; docs in the project's README.md."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(
        {QStringLiteral("server"), QStringLiteral("Run the server without a display.")});
    ServerConfig::addOptions(parser);
    // The desktop app's own option, listed here because this is its --help.
    parser.addOption({QStringLiteral("ca-cert"),
                      QStringLiteral("Desktop app: trust only this PEM CA for remote servers' "
                                     "certificates (default: the system's CAs)."),
                      QStringLiteral("FILE")});
    if (!parser.parse(arguments)) {
        err << "mist-monitor: " << parser.errorText() << "\n";
        return 2;
    }
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (parser.isSet(QStringLiteral("ca-cert"))) {
        err << "mist-monitor: --ca-cert is for the desktop app's remote connections, not for "
               "--server\n";
        return 2;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << "mist-monitor: unexpected argument '" << parser.positionalArguments().first()
            << "'\n";
        return 2;
    }
    const auto config = ServerConfig::fromParser(parser);
    if (!config) {
        err << "mist-monitor: " << config.error() << "\n";
        return 2;
    }

    MistServer server(*config);
    if (const Expected<void> started = server.start(); !started) {
        err << "mist-monitor: " << started.error() << "\n";
        return 1;
    }
    err << "mist-monitor: serving on " << server.httpUrl().toString() << " (data in "
        << config->dataDir << ")\n";
    err.flush();

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, qApp);
        QObject::connect(notifier, &QSocketNotifier::activated, qApp, [] {
            char c;
            [[maybe_unused]] const auto n = ::read(g_signalPipe[0], &c, 1);
            QCoreApplication::quit();
        });
        std::signal(SIGTERM, onSignal);
        std::signal(SIGINT, onSignal);
    }
    const int rc = QCoreApplication::exec();
    server.stop();
    // Let the close frames go out (a short, bounded wait).
    QElapsedTimer flush;
    flush.start();
    while (flush.elapsed() < 300)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    err << "mist-monitor: stopped\n";
    return rc;
}

} // namespace mist::server
