// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// mist.metrics: (debug) each sample's tick time and cost. Off below warnings unless asked for
// (QT_LOGGING_RULES="mist.metrics.debug=true"): one line a second is noise in the journal.
Q_DECLARE_LOGGING_CATEGORY(lcMetrics)
