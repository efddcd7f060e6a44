// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QString>

namespace mist::store {

// The data directory holds password hashes and session hashes: it is the
// owner's alone (0700, an existing one tightened), and so is the database
// file with its -wal and -shm companions (0600).
Expected<void> ensurePrivateDirectory(const QString &dir);
Expected<void> ensurePrivateDatabaseFile(const QString &path);

} // namespace mist::store
