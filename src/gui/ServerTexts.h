// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QList>
#include <QString>

namespace mist::gui {

// The words a server sends that the desktop shows as they are (stream refusals, a
// deployment's status message): the wire speaks English (scripts and other clients match on
// it), the desktop shows the ones it knows in the reader's language. A text it does not know
// (another server's, or one with details in it) is shown as it came.
QString serverText(const QString &text);

// The texts serverText() knows, in English (tst_gui_translations: each is still sent by this
// server and each has a German translation).
QList<QByteArray> knownServerTexts();

} // namespace mist::gui
