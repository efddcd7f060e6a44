// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "ServerCommand.h"

#include <QJsonObject>

namespace mist::cli {

// The `alert rule ...` and `alert channel ...` commands (docs/ALERTS.md):
// REST calls on one server, local or --url, checked by the server, whose
// "Invalid <field>" comes back as a usage error (exit 2).
class AlertCommand : public ServerCommand {
protected:
    AlertCommand(QStringList words, QList<QCommandLineOption> own)
        : ServerCommand(std::move(words))
        , m_own(std::move(own)) {}

    QList<QCommandLineOption> options() const override;
    Connection::Servers servers() const override { return Connection::Servers::One; }

    // Options given twice, an --id that is not a positive id.
    static std::optional<QString> singleValues(const QCommandLineParser &parser,
                                               const QStringList &names);
    static std::optional<QString> idError(const QCommandLineParser &parser);
    static qint64 id(const QCommandLineParser &parser);
    // --name as a number: a finite number / a whole number; nullopt when absent.
    static Result<std::optional<double>> number(const QCommandLineParser &parser,
                                                const QString &name, bool whole);
    // One REST call; a failure reported as "cannot <what>: <error>" (exit 2 for
    // a 400, else 1).
    static Result<QJsonValue> call(Connection &connection, const QByteArray &method,
                                   const QString &path, const QString &what,
                                   const QJsonObject &body = {});
    // One line read from stdin for a --*-stdin option.
    static Result<QString> stdinLine(const CommandIo &io, const QString &option);

private:
    QList<QCommandLineOption> m_own;
};

} // namespace mist::cli
