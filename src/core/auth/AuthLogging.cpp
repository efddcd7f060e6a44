// SPDX-License-Identifier: GPL-3.0-or-later
#include "AuthLogging.h"

Q_LOGGING_CATEGORY(lcAuth, "mist.auth")
