// SPDX-License-Identifier: GPL-3.0-or-later

#include "Command.h"

namespace mist::cli {

int report(const CommandIo &io, int code, const QString &message) {
    if (!message.isEmpty())
        io.err << "mist-monitor: " << message << '\n';
    io.err.flush();
    return code;
}

} // namespace mist::cli
