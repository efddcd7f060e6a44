// SPDX-License-Identifier: GPL-3.0-or-later

#include "MetricsLine.h"

#include <QJsonValue>
#include <QStringList>

namespace mist::cli {

namespace {

QString percent(const QJsonObject &part) {
    double value = 0;
    if (part.value(QStringLiteral("percent")).isDouble()) {
        value = part.value(QStringLiteral("percent")).toDouble();
    } else {
        const double total = part.value(QStringLiteral("total")).toDouble();
        value = total > 0 ? 100.0 * part.value(QStringLiteral("used")).toDouble() / total : 0;
    }
    return QString::number(value, 'f', 1) + u'%';
}

QString gib(const QJsonValue &bytes) {
    return QString::number(bytes.toDouble() / (1024.0 * 1024.0 * 1024.0), 'f', 1);
}

QString usedOfTotal(const QJsonObject &part) {
    return gib(part.value(QStringLiteral("used"))) + u'/' +
           gib(part.value(QStringLiteral("total"))) + QStringLiteral(" GiB");
}

} // namespace

QString metricsLine(const QJsonObject &sample) {
    QStringList parts;
    parts << sample.value(QStringLiteral("timestamp")).toString();
    const QJsonValue cpu = sample.value(QStringLiteral("cpu"));
    if (cpu.isObject()) {
        QString text =
            QStringLiteral("cpu ") + QString::number(cpu[u"usage"].toDouble(), 'f', 1) + u'%';
        if (cpu[u"cores"].isDouble()) {
            const int cores = cpu[u"cores"].toInt();
            text += QStringLiteral(" (%1 %2)")
                        .arg(cores)
                        .arg(cores == 1 ? QStringLiteral("core") : QStringLiteral("cores"));
        }
        parts << text;
    }
    const QJsonValue memory = sample.value(QStringLiteral("memory"));
    if (memory.isObject())
        parts << QStringLiteral("mem ") + percent(memory.toObject()) + u' ' +
                     usedOfTotal(memory.toObject());
    const QJsonValue disk = sample.value(QStringLiteral("disk"));
    if (disk.isObject())
        parts << QStringLiteral("disk ") + percent(disk.toObject()) + u' ' +
                     usedOfTotal(disk.toObject());
    // Upstream Mist gives the load average; this project's server does not.
    const QJsonObject load = sample.value(QStringLiteral("load")).toObject();
    if (load.value(QStringLiteral("one")).isDouble() &&
        load.value(QStringLiteral("five")).isDouble() &&
        load.value(QStringLiteral("fifteen")).isDouble())
        parts << QStringLiteral("load %1 %2 %3")
                     .arg(load.value(QStringLiteral("one")).toDouble(), 0, 'f', 2)
                     .arg(load.value(QStringLiteral("five")).toDouble(), 0, 'f', 2)
                     .arg(load.value(QStringLiteral("fifteen")).toDouble(), 0, 'f', 2);
    const QJsonValue docker = sample.value(QStringLiteral("docker"));
    if (docker.isObject())
        parts << QStringLiteral("containers %1/%2 images %3")
                     .arg(docker[u"containers_running"].toInteger())
                     .arg(docker[u"containers_total"].toInteger())
                     .arg(docker[u"images"].toInteger());
    else
        parts << QStringLiteral("docker unavailable");
    return parts.join(u' ');
}

} // namespace mist::cli
