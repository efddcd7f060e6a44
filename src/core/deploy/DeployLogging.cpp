// SPDX-License-Identifier: GPL-3.0-or-later
#include "DeployLogging.h"

Q_LOGGING_CATEGORY(lcDeploy, "mist.deploy")
Q_LOGGING_CATEGORY(lcGit, "mist.deploy.git")
