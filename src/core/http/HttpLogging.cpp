// SPDX-License-Identifier: GPL-3.0-or-later
#include "HttpLogging.h"

Q_LOGGING_CATEGORY(lcHttp, "mist.http")
