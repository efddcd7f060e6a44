// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QLoggingCategory>

// mist.archive: start-up recovery (cut torn tails, skipped corrupt chunks),
// retention deletions, dropped records and write errors of the log archive.
Q_DECLARE_LOGGING_CATEGORY(lcArchive)
