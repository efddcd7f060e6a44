// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

namespace mist::gui {

// A container state at a glance, in colour and in shape (for readers who cannot tell the
// colours apart): running a green disc, restarting an amber diamond, paused a grey bar pair,
// created a blue ring, exited/dead a red square, no container a hollow grey ring.
enum class StateShape { Disc, Diamond, Bars, Ring, Square, Hollow };

struct StateBadge {
    StateShape shape = StateShape::Hollow;
    QColor color;
};

// The badge of an engine state ("running", "restarting", "paused", "created", "exited",
// "dead", "removing"); anything else (empty: no container) is the hollow ring.
StateBadge stateBadge(const QString &state);
// The badge drawn as a small icon (cached per state and size).
QIcon stateIcon(const QString &state, int size = 12);
// The badge as a character of its shape (● ◆ ❚ ○ ■ ◌), for text that is drawn in its colour.
QChar stateGlyph(const QString &state);

} // namespace mist::gui
