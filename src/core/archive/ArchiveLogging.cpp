#include "ArchiveLogging.h"

Q_LOGGING_CATEGORY(lcArchive, "mist.archive", QtInfoMsg)
