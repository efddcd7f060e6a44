// SPDX-License-Identifier: GPL-3.0-or-later

#include "ArchiveLogging.h"

Q_LOGGING_CATEGORY(lcArchive, "mist.archive", QtInfoMsg)
