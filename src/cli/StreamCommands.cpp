#include "StreamCommands.h"

#include "Dispatch.h"

namespace mist::cli {

bool isStreamCommand(const QString &firstArg) {
    return isCommand(firstArg, Command::Family::Server);
}

} // namespace mist::cli
