// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// The deployment layer's categories.
Q_DECLARE_LOGGING_CATEGORY(lcDeploy) // mist.deploy: recovery and runs of deployments
Q_DECLARE_LOGGING_CATEGORY(lcGit)    // mist.deploy.git: clones that could not be cleaned up
