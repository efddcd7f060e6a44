// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QLoggingCategory>

// Server log categories, one per subsystem. Lines are one event each and
// never carry a password, token or cookie; under systemd they go to the
// journal through stderr. Enable debug output with, e.g.,
// QT_LOGGING_RULES="mist.http.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcServer)  // mist.server: start, stop, WebSocket clients
Q_DECLARE_LOGGING_CATEGORY(lcHttp)    // mist.http: refused handshakes, malformed requests
Q_DECLARE_LOGGING_CATEGORY(lcAuth)    // mist.auth: sign-ins, sign-outs, throttling
Q_DECLARE_LOGGING_CATEGORY(lcEngine)  // mist.engine: the Docker engine coming and going
Q_DECLARE_LOGGING_CATEGORY(lcMetrics) // mist.metrics: (debug) each sample's tick time and cost
