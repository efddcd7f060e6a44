// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QJsonObject>
#include <QString>

namespace mist::cli {

// One /ws/metrics sample as a line of text, e.g.
// "2025-01-15T10:30:00Z cpu 25.5% (4 cores) mem 25.0% 4.0/16.0 GiB
//  disk 10.0% 50.0/500.0 GiB containers 5/8 images 12" (on one line);
// "docker unavailable" when the engine could not be asked, no core count
// when the server sends none (upstream Mist).
QString metricsLine(const QJsonObject &sample);

} // namespace mist::cli
