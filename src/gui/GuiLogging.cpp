// SPDX-License-Identifier: GPL-3.0-or-later
#include "GuiLogging.h"

Q_LOGGING_CATEGORY(lcGui, "mist.gui")
// Debug output only when asked for: mist-monitor-bench turns it on to time start-up to the
// first painted sample.
Q_LOGGING_CATEGORY(lcStartup, "mist.gui.startup", QtWarningMsg)
