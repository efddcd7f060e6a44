// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// mist.history: blocks that cannot be stored or read, series refused.
Q_DECLARE_LOGGING_CATEGORY(lcHistory)
