// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

namespace mist::gui {

// The desktop face: starts the embedded server in-process on a free loopback
// port and shows the main window.
int runDesktopApp(int argc, char *argv[]);

} // namespace mist::gui
