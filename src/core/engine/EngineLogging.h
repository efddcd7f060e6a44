// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// The engine layer's categories. Enable debug output with, e.g.,
// QT_LOGGING_RULES="mist.engine.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcEngine)       // mist.engine: the Docker engine coming and going
Q_DECLARE_LOGGING_CATEGORY(lcDockerClient) // mist.engine.dockerclient: libcurl failures
