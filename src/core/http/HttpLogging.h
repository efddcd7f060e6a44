// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// mist.http: refused handshakes, malformed requests. Lines never carry a password, token or
// cookie.
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
