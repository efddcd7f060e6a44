// SPDX-License-Identifier: GPL-3.0-or-later

#include "Logging.h"

Q_LOGGING_CATEGORY(lcServer, "mist.server")
Q_LOGGING_CATEGORY(lcHttp, "mist.http")
Q_LOGGING_CATEGORY(lcAuth, "mist.auth")
Q_LOGGING_CATEGORY(lcEngine, "mist.engine")
Q_LOGGING_CATEGORY(lcMetrics, "mist.metrics", QtWarningMsg)
