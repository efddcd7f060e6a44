// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor alert channel list: one tab-separated line per channel: id,
// name, kind, target (URL, or the SMTP URL and recipients), and "secret set"
// or "no secret". Never the secret itself: the server does not send it.
#include "AlertCommand.h"

#include <QJsonArray>

namespace mist::cli {

namespace {

class AlertChannelList : public AlertCommand {
public:
    AlertChannelList()
        : AlertCommand({QStringLiteral("alert"), QStringLiteral("channel"), QStringLiteral("list")},
                       {}) {}

protected:
    std::optional<QString> optionsError(const QCommandLineParser &) const override {
        return std::nullopt;
    }
    int execute(const QCommandLineParser &, Connection &connection,
                const CommandIo &io) const override {
        const auto channels = call(connection, "GET", QStringLiteral("/api/alerts/channels"),
                                   QStringLiteral("list channels"));
        if (!channels)
            return report(io, channels.error());
        for (const QJsonValue &v : channels->toArray()) {
            const QJsonObject c = v.toObject();
            QString target = c.value(QStringLiteral("url")).toString();
            if (c.value(QStringLiteral("kind")).toString() == u"email") {
                const QJsonObject smtp = c.value(QStringLiteral("smtp")).toObject();
                QStringList to;
                for (const QJsonValue &a : smtp.value(QStringLiteral("to")).toArray())
                    to << a.toString();
                target = QStringLiteral("%1 -> %2")
                             .arg(smtp.value(QStringLiteral("url")).toString(), to.join(u','));
            }
            io.out << c.value(QStringLiteral("id")).toInteger() << '\t'
                   << c.value(QStringLiteral("name")).toString() << '\t'
                   << c.value(QStringLiteral("kind")).toString() << '\t' << target << '\t'
                   << (c.value(QStringLiteral("secretSet")).toBool() ? "secret set" : "no secret")
                   << '\n';
        }
        return ExitOk;
    }
};

} // namespace

std::unique_ptr<Command> makeAlertChannelList() {
    return std::make_unique<AlertChannelList>();
}

} // namespace mist::cli
