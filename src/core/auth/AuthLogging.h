// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// mist.auth: sign-ins, sign-outs, throttling. Lines name the account and address, never a
// password, token or cookie.
Q_DECLARE_LOGGING_CATEGORY(lcAuth)
