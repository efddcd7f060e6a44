// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Types.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace mist::store {

// The input rules of the store, in one place, usable before a database is
// open (the CLI checks its arguments before touching the data directory).
// Messages repeat only input that passed validation, so hostile values cannot
// flood logs or terminals.

// Longest password accepted; a longer one cannot match.
constexpr int MaxPasswordBytes = 1024;

// Trimmed and lower-cased; std::nullopt when not a plausible address.
std::optional<QString> normalizeEmail(const QString &email, QString *error);
bool validatePassword(const QByteArray &password, QString *error);
bool validateProjectName(const QString &name, QString *error);
// Fills in an app's defaults (git branch "main", Dockerfile "Dockerfile",
// project "default") and checks its fields.
bool normalizeApp(App &app, QString *error);

} // namespace mist::store
