// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor alert channel add --name N --kind webhook|ntfy|slack|discord|email
//     (--target URL [--secret-stdin] | --smtp-url URL [--smtp-user U] [--smtp-password-stdin]
//      --from ADDRESS --to ADDRESS... [--starttls])
// POST /api/alerts/channels; prints the new channel's id on stdout. Secrets
// come from standard input (after the --password-stdin line, if any), never
// from the command line, where other users could read them. The channel's
// URL is --target: --url names the server, as for every server command.
#include "AlertCommand.h"

#include <QJsonArray>

namespace mist::cli {

namespace {

const QStringList kSingle = {QStringLiteral("name"),      QStringLiteral("kind"),
                             QStringLiteral("target"),    QStringLiteral("smtp-url"),
                             QStringLiteral("smtp-user"), QStringLiteral("from")};

QCommandLineOption opt(const QString &name, const QString &text, const QString &value = {}) {
    return value.isEmpty() ? QCommandLineOption(name, text) : QCommandLineOption(name, text, value);
}

bool isEmail(const QCommandLineParser &parser) {
    return parser.value(QStringLiteral("kind")) == u"email";
}

class AlertChannelAdd : public AlertCommand {
public:
    AlertChannelAdd()
        : AlertCommand(
              {QStringLiteral("alert"), QStringLiteral("channel"), QStringLiteral("add")},
              {opt(QStringLiteral("name"), QStringLiteral("Channel name."), QStringLiteral("N")),
               opt(QStringLiteral("kind"),
                   QStringLiteral("webhook, ntfy, slack, discord or email."), QStringLiteral("K")),
               opt(QStringLiteral("target"), QStringLiteral("Where to POST (all kinds but email)."),
                   QStringLiteral("URL")),
               opt(QStringLiteral("secret-stdin"),
                   QStringLiteral("Read the webhook's signing secret from standard input.")),
               opt(QStringLiteral("smtp-url"),
                   QStringLiteral("smtp://host:port or smtps://host:port."), QStringLiteral("URL")),
               opt(QStringLiteral("smtp-user"), QStringLiteral("SMTP user name."),
                   QStringLiteral("U")),
               opt(QStringLiteral("smtp-password-stdin"),
                   QStringLiteral("Read the SMTP password from standard input.")),
               opt(QStringLiteral("from"), QStringLiteral("Sender address."),
                   QStringLiteral("ADDRESS")),
               opt(QStringLiteral("to"), QStringLiteral("Recipient address (repeatable)."),
                   QStringLiteral("ADDRESS")),
               opt(QStringLiteral("starttls"), QStringLiteral("Use STARTTLS on smtp://."))}) {}

protected:
    std::optional<QString> optionsError(const QCommandLineParser &parser) const override {
        if (auto twice = singleValues(parser, kSingle))
            return twice;
        if (!parser.isSet(QStringLiteral("name")) || !parser.isSet(QStringLiteral("kind")))
            return QStringLiteral("alert channel add needs --name and --kind");
        const QStringList emailOnly = {QStringLiteral("smtp-url"),
                                       QStringLiteral("smtp-user"),
                                       QStringLiteral("smtp-password-stdin"),
                                       QStringLiteral("from"),
                                       QStringLiteral("to"),
                                       QStringLiteral("starttls")};
        for (const QString &o : emailOnly) {
            if (!isEmail(parser) && parser.isSet(o))
                return QStringLiteral("--%1 applies only to --kind email").arg(o);
        }
        if (isEmail(parser) && parser.isSet(QStringLiteral("target")))
            return QStringLiteral("--target does not apply to --kind email (use --smtp-url)");
        if (parser.isSet(QStringLiteral("secret-stdin")) &&
            parser.value(QStringLiteral("kind")) != u"webhook")
            return QStringLiteral("--secret-stdin applies only to --kind webhook");
        return std::nullopt;
    }

    Result<QJsonObject> channelFrom(const QCommandLineParser &parser, const CommandIo &io) const {
        QJsonObject c{{QStringLiteral("name"), parser.value(QStringLiteral("name"))},
                      {QStringLiteral("kind"), parser.value(QStringLiteral("kind"))}};
        if (!isEmail(parser)) {
            c.insert(QStringLiteral("url"), parser.value(QStringLiteral("target")));
            if (parser.isSet(QStringLiteral("secret-stdin"))) {
                const auto secret = stdinLine(io, QStringLiteral("secret-stdin"));
                if (!secret)
                    return fail(secret.error());
                c.insert(QStringLiteral("secret"), *secret);
            }
            return c;
        }
        QJsonObject smtp{
            {QStringLiteral("url"), parser.value(QStringLiteral("smtp-url"))},
            {QStringLiteral("from"), parser.value(QStringLiteral("from"))},
            {QStringLiteral("to"), QJsonArray::fromStringList(parser.values(QStringLiteral("to")))},
            {QStringLiteral("starttls"), parser.isSet(QStringLiteral("starttls"))}};
        if (parser.isSet(QStringLiteral("smtp-user")))
            smtp.insert(QStringLiteral("username"), parser.value(QStringLiteral("smtp-user")));
        if (parser.isSet(QStringLiteral("smtp-password-stdin"))) {
            const auto password = stdinLine(io, QStringLiteral("smtp-password-stdin"));
            if (!password)
                return fail(password.error());
            smtp.insert(QStringLiteral("password"), *password);
        }
        c.insert(QStringLiteral("smtp"), smtp);
        return c;
    }

    int execute(const QCommandLineParser &parser, Connection &connection,
                const CommandIo &io) const override {
        const auto channel = channelFrom(parser, io);
        if (!channel)
            return report(io, channel.error());
        const auto added = call(connection, "POST", QStringLiteral("/api/alerts/channels"),
                                QStringLiteral("add channel"), *channel);
        if (!added)
            return report(io, added.error());
        const qint64 id = added->toObject().value(QStringLiteral("id")).toInteger();
        io.out << id << '\n';
        return confirm(io, QStringLiteral("added channel %1").arg(id));
    }
};

} // namespace

std::unique_ptr<Command> makeAlertChannelAdd() {
    return std::make_unique<AlertChannelAdd>();
}

} // namespace mist::cli
