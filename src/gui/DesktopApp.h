// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

class QCoreApplication;

namespace mist::gui {

// Installs the translations for the default locale: Qt's own words (qtbase_<lang>.qm from
// Debian's qt6-translations-l10n: "Cancel", "OK" in dialogs) and the app's (built in).
// Returns whether Qt's own were found (false for English, or without the package).
bool installTranslations(QCoreApplication &app);

// The desktop face: starts the embedded server in-process on a free loopback
// port and shows the main window.
int runDesktopApp(int argc, char *argv[]);

} // namespace mist::gui
