// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor alert rule list: one tab-separated line per rule the signed-in
// user may see: id, name, kind, app id or "host", condition, severity,
// cooldown seconds, channel ids (comma-separated).
#include "AlertCommand.h"

#include <QJsonArray>

namespace mist::cli {

namespace {

QString condition(const QJsonObject &r) {
    const QString kind = r.value(QStringLiteral("kind")).toString();
    auto n = [&](const char *key) {
        return QString::number(r.value(QLatin1String(key)).toDouble());
    };
    if (kind == u"metric")
        return QStringLiteral("%1 %2 %3 for %4s")
            .arg(r.value(QStringLiteral("field")).toString(),
                 r.value(QStringLiteral("op")).toString(), n("threshold"), n("forSeconds"));
    if (kind == u"event") {
        const QString event = r.value(QStringLiteral("event")).toString();
        if (event == u"restart_loop")
            return QStringLiteral("%1 %2 within %3s").arg(event, n("restarts"), n("withinSeconds"));
        return event;
    }
    return QStringLiteral("/%1/ %2 within %3s")
        .arg(r.value(QStringLiteral("pattern")).toString(), n("count"), n("withinSeconds"));
}

class AlertRuleList : public AlertCommand {
public:
    AlertRuleList()
        : AlertCommand({QStringLiteral("alert"), QStringLiteral("rule"), QStringLiteral("list")},
                       {}) {}

protected:
    std::optional<QString> optionsError(const QCommandLineParser &) const override {
        return std::nullopt;
    }
    int execute(const QCommandLineParser &, Connection &connection,
                const CommandIo &io) const override {
        const auto rules = call(connection, "GET", QStringLiteral("/api/alerts/rules"),
                                QStringLiteral("list rules"));
        if (!rules)
            return report(io, rules.error());
        for (const QJsonValue &v : rules->toArray()) {
            const QJsonObject r = v.toObject();
            QStringList channels;
            for (const QJsonValue &c : r.value(QStringLiteral("channels")).toArray())
                channels << QString::number(c.toInteger());
            const QJsonValue app = r.value(QStringLiteral("appId"));
            io.out << r.value(QStringLiteral("id")).toInteger() << '\t'
                   << r.value(QStringLiteral("name")).toString() << '\t'
                   << r.value(QStringLiteral("kind")).toString() << '\t'
                   << (app.isNull() ? QStringLiteral("host") : QString::number(app.toInteger()))
                   << '\t' << condition(r) << '\t' << r.value(QStringLiteral("severity")).toString()
                   << '\t' << r.value(QStringLiteral("cooldownSeconds")).toInteger() << '\t'
                   << channels.join(u',') << '\n';
        }
        return ExitOk;
    }
};

} // namespace

std::unique_ptr<Command> makeAlertRuleList() {
    return std::make_unique<AlertRuleList>();
}

} // namespace mist::cli
