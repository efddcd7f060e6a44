// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineLogging.h"

Q_LOGGING_CATEGORY(lcEngine, "mist.engine")
Q_LOGGING_CATEGORY(lcDockerClient, "mist.engine.dockerclient")
