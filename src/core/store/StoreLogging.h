// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// mist.store: database errors of the accounts, apps and deployments store.
Q_DECLARE_LOGGING_CATEGORY(lcStore)
