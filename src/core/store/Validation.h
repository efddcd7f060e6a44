// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Types.h"

#include "base/Expected.h"

#include <QByteArray>
#include <QString>

namespace mist::store {

// The input rules of the store, in one place, usable before a database is
// open (the CLI checks its arguments before touching the data directory).
// Messages repeat only input that passed validation, so hostile values cannot
// flood logs or terminals.

// Longest password accepted; a longer one cannot match.
constexpr int MaxPasswordBytes = 1024;

// Trimmed and lower-cased; a failure when not a plausible address.
Expected<QString> normalizeEmail(const QString &email);
Expected<void> validatePassword(const QByteArray &password);
Expected<void> validateProjectName(const QString &name);
// Fills in an app's defaults (git branch "main", Dockerfile "Dockerfile",
// project "default") and checks its fields.
Expected<void> normalizeApp(App &app);

} // namespace mist::store
