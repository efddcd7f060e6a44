// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor: one executable, three faces. It decides which before creating
// any application object, so `--server`, `--help` and the operator subcommands
// never touch Widgets or need a display.
#include "Dispatch.h"
#include "server/ServerConfig.h"
#include "server/ServerRunner.h"

#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

#include <climits>
#include <cstring>
#include <string>
#include <unistd.h>

#ifdef MIST_WITH_GUI
#include "DesktopApp.h"
#endif

namespace {
bool wantsHeadless(const QStringList &args) {
    for (const QString &a : args.mid(1)) {
        if (a == u"--server" || a == u"--help" || a == u"-h" || a == u"--version" || a == u"-v")
            return true;
    }
#ifdef MIST_WITH_GUI
    return false;
#else
    return true; // a build without the GUI is the server
#endif
}

#ifdef MIST_WITH_GUI
// `--server` runs in mist-monitor-server, the same server without the
// desktop's libraries mapped (idle RSS; docs/PERFORMANCE.md): exec it, from
// beside this executable (build tree) or from ../libexec/mist-monitor relative
// to it (installed, or an unpacked package). Returns
// only if there is none to exec; the server then runs in this process.
void execHeadlessTwin(char *argv[]) {
    // Only as the program's mode: `mist-monitor logs … --server` is a
    // (bad) logs command, whose subcommand comes first.
    if (!argv[1] || argv[1][0] != '-')
        return;
    bool server = false;
    for (int i = 1; argv[i]; ++i)
        server = server || std::strcmp(argv[i], "--server") == 0;
    if (!server)
        return;
    char self[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return;
    self[n] = '\0';
    const std::string dir(self, std::strrchr(self, '/') + 1);
    for (const std::string &candidate :
         {dir + "mist-monitor-server", dir + MIST_SERVER_FROM_BINDIR})
        if (access(candidate.c_str(), X_OK) == 0)
            execv(candidate.c_str(), argv);
}
#endif

void nameApplication() {
    QCoreApplication::setApplicationName(QStringLiteral("mist-monitor"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MIST_VERSION));
}
} // namespace

int main(int argc, char *argv[]) {
#ifdef MIST_WITH_GUI
    execHeadlessTwin(argv);
#endif
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);

    if (mist::cli::isCommand(args.value(1))) {
        QCoreApplication app(argc, argv);
        nameApplication();
        QTextStream out(stdout);
        QTextStream err(stderr);
        QFile in;
        in.open(stdin, QIODevice::ReadOnly); // runCommand() tells the commands that need it
        return mist::cli::runCommand(args.mid(1), {out, err, in, mist::server::defaultDataDir()});
    }
    if (wantsHeadless(args)) {
        QCoreApplication app(argc, argv);
        nameApplication();
        return mist::server::runHeadlessServer(args);
    }
#ifdef MIST_WITH_GUI
    return mist::gui::runDesktopApp(argc, argv);
#endif
}
