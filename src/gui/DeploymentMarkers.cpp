// SPDX-License-Identifier: GPL-3.0-or-later

#include "DeploymentMarkers.h"

#include <QDateTime>
#include <QJsonObject>

#include <algorithm>

namespace mist::gui {

QList<DeploymentMarker> deploymentMarkers(const QJsonArray &deployments) {
    QList<DeploymentMarker> out;
    for (const QJsonValue &v : deployments) {
        if (!v.isObject())
            continue;
        const QJsonObject d = v.toObject();
        qint64 at = 0;
        for (const char *key : {"finished_at", "started_at", "created_at"}) {
            const QDateTime t =
                QDateTime::fromString(d.value(QLatin1String(key)).toString(), Qt::ISODate);
            if (t.isValid()) {
                at = t.toMSecsSinceEpoch();
                break;
            }
        }
        const double id = d.value(QStringLiteral("id")).toDouble(-1);
        if (at <= 0 || id < 0)
            continue;
        DeploymentMarker m;
        m.id = qint64(id);
        m.atMs = at;
        m.status = d.value(QStringLiteral("status")).toString().left(40);
        QStringList words{QStringLiteral("#%1").arg(m.id)};
        if (!m.status.isEmpty())
            words << m.status;
        const QString hash = d.value(QStringLiteral("commit_hash")).toString().left(7);
        const QString message = d.value(QStringLiteral("commit_message"))
                                    .toString()
                                    .section(u'\n', 0, 0)
                                    .trimmed()
                                    .left(200);
        const QString commit = QStringList{hash, message}.join(u' ').trimmed();
        if (!commit.isEmpty())
            words << commit;
        m.text = words.join(QStringLiteral(" \u00b7 "));
        out.append(m);
    }
    std::stable_sort(
        out.begin(), out.end(),
        [](const DeploymentMarker &a, const DeploymentMarker &b) { return a.atMs < b.atMs; });
    if (out.size() > MaxDeploymentMarkers)
        out.remove(0, out.size() - MaxDeploymentMarkers);
    return out;
}

} // namespace mist::gui
