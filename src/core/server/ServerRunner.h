// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QStringList>

namespace mist::server {

// `mist-monitor --server ...`: runs the server headless until SIGTERM/SIGINT.
// Needs only a QCoreApplication: no display, no Widgets.
int runHeadlessServer(const QStringList &arguments);

} // namespace mist::server
