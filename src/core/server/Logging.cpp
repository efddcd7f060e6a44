#include "Logging.h"

Q_LOGGING_CATEGORY(lcServer, "mist.server")
