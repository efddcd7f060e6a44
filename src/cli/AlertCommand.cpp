// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertCommand.h"

#include "protocol/Parsing.h"

#include <cmath>

namespace mist::cli {

QList<QCommandLineOption> AlertCommand::options() const {
    return m_own + QList<QCommandLineOption>{Connection::dataDirOption(), Connection::urlOption(),
                                             Connection::emailOption(),
                                             Connection::passwordStdinOption(),
                                             Connection::caCertOption()};
}

std::optional<QString> AlertCommand::singleValues(const QCommandLineParser &parser,
                                                  const QStringList &names) {
    for (const QString &name : names) {
        if (parser.values(name).size() > 1)
            return QStringLiteral("--%1 given twice").arg(name);
    }
    return std::nullopt;
}

std::optional<QString> AlertCommand::idError(const QCommandLineParser &parser) {
    if (parser.values(QStringLiteral("id")).size() != 1 ||
        !protocol::parseId(parser.value(QStringLiteral("id"))))
        return QStringLiteral("--id wants a positive id");
    return std::nullopt;
}

qint64 AlertCommand::id(const QCommandLineParser &parser) {
    return protocol::parseId(parser.value(QStringLiteral("id"))).value_or(0);
}

Result<std::optional<double>> AlertCommand::number(const QCommandLineParser &parser,
                                                   const QString &name, bool whole) {
    if (!parser.isSet(name))
        return std::optional<double>();
    const QString text = parser.value(name);
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value) || (whole && value != std::floor(value)))
        return usageFailure(
            QStringLiteral("invalid --%1 \"%2\" (expected %3)")
                .arg(name, text.left(64),
                     whole ? QStringLiteral("a whole number") : QStringLiteral("a number")));
    return std::optional<double>(value);
}

Result<QJsonValue> AlertCommand::call(Connection &connection, const QByteArray &method,
                                      const QString &path, const QString &what,
                                      const QJsonObject &body) {
    const auto reply = Connection::call(connection.firstSession(), method, path, body);
    if (!reply.ok())
        return failure(reply.status == 400 ? ExitUsage : ExitFailure,
                       QStringLiteral("cannot %1: %2").arg(what, reply.error));
    return reply.data;
}

Result<QString> AlertCommand::stdinLine(const CommandIo &io, const QString &option) {
    const QByteArray line = io.in.readLine(4096);
    QString text = QString::fromUtf8(line);
    while (text.endsWith(u'\n') || text.endsWith(u'\r'))
        text.chop(1);
    if (text.isEmpty())
        return usageFailure(QStringLiteral("--%1 read no line from standard input").arg(option));
    return text;
}

int AlertIdCommand::execute(const QCommandLineParser &parser, Connection &connection,
                            const CommandIo &io) const {
    const qint64 n = id(parser);
    const auto done = call(connection, m_call.method, m_call.path.arg(n), m_call.what.arg(n));
    if (!done)
        return report(io, done.error());
    return confirm(io, m_call.confirmed.arg(n));
}

} // namespace mist::cli
