// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor-server: the headless server without the desktop's libraries.
// `mist-monitor --server ...` execs this (same process id, same arguments),
// so a server that runs for months does not keep Qt Widgets, Qt Charts and
// their dependencies mapped: about 9 MB of its idle RSS (docs/PERFORMANCE.md).
#include "server/ServerRunner.h"

#include <QCoreApplication>

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mist-monitor"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MIST_VERSION));
    return mist::server::runHeadlessServer(QCoreApplication::arguments());
}
