// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QLoggingCategory>

// mist.server: start, stop, WebSocket clients. Each layer below declares its own categories
// (http/HttpLogging.h, auth/AuthLogging.h, engine/EngineLogging.h, ...). Lines are one event
// each and never carry a password, token or cookie; under systemd they go to the journal through
// stderr. Enable debug output with, e.g., QT_LOGGING_RULES="mist.http.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcServer)
