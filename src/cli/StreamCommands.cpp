// SPDX-License-Identifier: GPL-3.0-or-later

#include "StreamCommands.h"

#include "Dispatch.h"

namespace mist::cli {

bool isStreamCommand(const QString &firstArg) {
    return isCommand(firstArg, Command::Family::Server);
}

} // namespace mist::cli
