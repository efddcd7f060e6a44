// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor alert rule add --name N --kind metric|event|log [--app N]
//     [--field F --op OP --threshold X [--for S]] [--event E [--restarts N --within S]]
//     [--pattern RE [--count N] [--within S]] [--severity S] [--cooldown S] [--channel ID]...
// POST /api/alerts/rules; prints the new rule's id on stdout.
#include "AlertCommand.h"

#include <QJsonArray>

namespace mist::cli {

namespace {

// Option -> rule field, for the ones the server takes as they are.
const QList<std::pair<QString, QString>> kText = {
    {QStringLiteral("name"), QStringLiteral("name")},
    {QStringLiteral("kind"), QStringLiteral("kind")},
    {QStringLiteral("field"), QStringLiteral("field")},
    {QStringLiteral("op"), QStringLiteral("op")},
    {QStringLiteral("event"), QStringLiteral("event")},
    {QStringLiteral("pattern"), QStringLiteral("pattern")},
    {QStringLiteral("severity"), QStringLiteral("severity")}};
// Option -> rule field, whole number?
const QList<std::tuple<QString, QString, bool>> kNumbers = {
    {QStringLiteral("app"), QStringLiteral("appId"), true},
    {QStringLiteral("threshold"), QStringLiteral("threshold"), false},
    {QStringLiteral("for"), QStringLiteral("forSeconds"), true},
    {QStringLiteral("restarts"), QStringLiteral("restarts"), true},
    {QStringLiteral("within"), QStringLiteral("withinSeconds"), true},
    {QStringLiteral("count"), QStringLiteral("count"), true},
    {QStringLiteral("cooldown"), QStringLiteral("cooldownSeconds"), true}};

QCommandLineOption opt(const QString &name, const QString &text, const QString &value) {
    return QCommandLineOption(name, text, value);
}

class AlertRuleAdd : public AlertCommand {
public:
    AlertRuleAdd()
        : AlertCommand(
              {QStringLiteral("alert"), QStringLiteral("rule"), QStringLiteral("add")},
              {opt(QStringLiteral("name"), QStringLiteral("Rule name."), QStringLiteral("N")),
               opt(QStringLiteral("kind"), QStringLiteral("metric, event or log."),
                   QStringLiteral("K")),
               opt(QStringLiteral("app"), QStringLiteral("The app (default: the host)."),
                   QStringLiteral("ID")),
               opt(QStringLiteral("field"), QStringLiteral("Metric field (cpu.usage, ...)."),
                   QStringLiteral("F")),
               opt(QStringLiteral("op"), QStringLiteral("Metric comparison: > or <."),
                   QStringLiteral("OP")),
               opt(QStringLiteral("threshold"), QStringLiteral("Metric threshold."),
                   QStringLiteral("X")),
               opt(QStringLiteral("for"), QStringLiteral("Metric: for at least S seconds."),
                   QStringLiteral("S")),
               opt(QStringLiteral("event"), QStringLiteral("Event (oom, restart_loop, ...)."),
                   QStringLiteral("E")),
               opt(QStringLiteral("restarts"), QStringLiteral("restart_loop: N restarts."),
                   QStringLiteral("N")),
               opt(QStringLiteral("within"),
                   QStringLiteral("restart_loop and log: within S seconds."), QStringLiteral("S")),
               opt(QStringLiteral("pattern"), QStringLiteral("Log: RE2 regular expression."),
                   QStringLiteral("RE")),
               opt(QStringLiteral("count"), QStringLiteral("Log: N matching lines."),
                   QStringLiteral("N")),
               opt(QStringLiteral("severity"), QStringLiteral("info, warning or critical."),
                   QStringLiteral("S")),
               opt(QStringLiteral("cooldown"), QStringLiteral("Cooldown in seconds (300)."),
                   QStringLiteral("S")),
               opt(QStringLiteral("channel"), QStringLiteral("Channel to notify (repeatable)."),
                   QStringLiteral("ID"))}) {}

protected:
    std::optional<QString> optionsError(const QCommandLineParser &parser) const override {
        QStringList single;
        for (const auto &[option, field] : kText)
            single << option;
        for (const auto &[option, field, whole] : kNumbers)
            single << option;
        if (auto twice = singleValues(parser, single))
            return twice;
        if (!parser.isSet(QStringLiteral("name")) || !parser.isSet(QStringLiteral("kind")))
            return QStringLiteral("alert rule add needs --name and --kind");
        for (const auto &[option, field, whole] : kNumbers) {
            if (auto n = number(parser, option, whole); !n)
                return n.error().message;
        }
        for (const QString &c : parser.values(QStringLiteral("channel"))) {
            bool ok = false;
            if (c.toLongLong(&ok) < 1 || !ok)
                return QStringLiteral("--channel wants a positive id");
        }
        return std::nullopt;
    }

    int execute(const QCommandLineParser &parser, Connection &connection,
                const CommandIo &io) const override {
        QJsonObject rule;
        for (const auto &[option, field] : kText) {
            if (parser.isSet(option))
                rule.insert(field, parser.value(option));
        }
        for (const auto &[option, field, whole] : kNumbers) {
            if (const auto n = number(parser, option, whole); n && *n)
                rule.insert(field, **n);
        }
        if (parser.isSet(QStringLiteral("channel"))) {
            QJsonArray channels;
            for (const QString &c : parser.values(QStringLiteral("channel")))
                channels.append(c.toLongLong());
            rule.insert(QStringLiteral("channels"), channels);
        }
        const auto added = call(connection, "POST", QStringLiteral("/api/alerts/rules"),
                                QStringLiteral("add rule"), rule);
        if (!added)
            return report(io, added.error());
        const qint64 id = added->toObject().value(QStringLiteral("id")).toInteger();
        io.out << id << '\n';
        return confirm(io, QStringLiteral("added rule %1").arg(id));
    }
};

} // namespace

std::unique_ptr<Command> makeAlertRuleAdd() {
    return std::make_unique<AlertRuleAdd>();
}

} // namespace mist::cli
