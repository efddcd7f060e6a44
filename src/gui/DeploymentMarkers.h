// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QJsonArray>
#include <QList>
#include <QString>

namespace mist::gui {

// A deployment as a vertical marker on its app's charts (issue #18): when it took effect, and
// what hovering it says: "#12 · success · a1b2c3d Add search".
struct DeploymentMarker {
    qint64 id = 0;
    qint64 atMs = 0;
    QString status;
    QString text;
};

// The markers of a deployment list (GET /api/apps/{id}/deployments, or upstream's, as
// ServerSession::listDeployments answers it), oldest first, at most MaxDeploymentMarkers (the
// newest). A deployment is placed where it finished (its container took over, or it failed),
// else where it started, else where it was made; one without any valid time, or not an
// object, is left out. The commit: its first 7 characters and the first line of its message.
// Pure: tests/gui/tst_deploymentmarkers.cpp has the rows.
constexpr int MaxDeploymentMarkers = 100;
QList<DeploymentMarker> deploymentMarkers(const QJsonArray &deployments);

} // namespace mist::gui
