// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Command.h"

#include <memory>
#include <vector>

namespace mist::cli {

// Every subcommand of mist-monitor, in the order `mist-monitor GROUP --help`
// lists a group's. The rows are in CommandTable.cpp.
const std::vector<std::unique_ptr<Command>> &commandTable();

} // namespace mist::cli
