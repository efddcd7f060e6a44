// SPDX-License-Identifier: GPL-3.0-or-later

#include "StreamCommand.h"

#include "protocol/Parsing.h"

namespace mist::cli {

namespace {

const QString kJson = QStringLiteral("json");
const QString kCount = QStringLiteral("count");

} // namespace

StreamCommand::StreamCommand(QStringList words, QString countDescription)
    : ServerCommand(std::move(words))
    , m_countDescription(std::move(countDescription)) {}

QList<QCommandLineOption> StreamCommand::options() const {
    return ownOptions() + QList<QCommandLineOption>{
                              Connection::dataDirOption(),
                              Connection::urlOption(),
                              Connection::emailOption(),
                              Connection::passwordStdinOption(),
                              {kJson, QStringLiteral("Print every message as a JSON line.")},
                              Connection::caCertOption(),
                              {kCount, m_countDescription, QStringLiteral("N")},
                          };
}

std::optional<QString> StreamCommand::optionsError(const QCommandLineParser &parser) const {
    if (const auto error = ownOptionsError(parser))
        return error;
    if (parser.isSet(kCount) && !protocol::parseId(parser.value(kCount)))
        return QStringLiteral("--count wants a positive number");
    return std::nullopt;
}

int StreamCommand::execute(const QCommandLineParser &parser, Connection &connection,
                           const CommandIo &io) const {
    const Result<Stream> stream = start(parser, connection, io);
    if (!stream)
        return report(io, stream.error());
    if (stream->pathAndQuery.isEmpty())
        return ExitOk; // the command did all it had to before following
    FollowOptions options;
    options.json = parser.isSet(kJson);
    if (parser.isSet(kCount))
        options.count = *protocol::parseId(parser.value(kCount)) - stream->counted;
    return followStreams(connection.hosts(), stream->pathAndQuery, stream->makeView, options,
                         io.out, io.err);
}

std::optional<QString> StreamCommand::idError(const QCommandLineParser &parser,
                                              const QString &option) {
    if (!parser.isSet(option) || !protocol::parseId(parser.value(option)))
        return QStringLiteral("--%1 wants a positive id").arg(option);
    return std::nullopt;
}

qint64 StreamCommand::idValue(const QCommandLineParser &parser, const QString &option) {
    return protocol::parseId(parser.value(option)).value_or(0);
}

} // namespace mist::cli
