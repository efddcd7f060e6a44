// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// The desktop's categories. Enable debug output with, e.g.,
// QT_LOGGING_RULES="mist.gui.startup.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcGui)     // mist.gui: what the desktop could not do on its own
Q_DECLARE_LOGGING_CATEGORY(lcStartup) // mist.gui.startup: when the first figures were painted
