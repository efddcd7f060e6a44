// SPDX-License-Identifier: GPL-3.0-or-later
#include "MetricsLogging.h"

Q_LOGGING_CATEGORY(lcMetrics, "mist.metrics", QtWarningMsg)
