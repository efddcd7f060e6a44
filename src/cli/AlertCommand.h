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

// An alert command that is one REST call on `--id N` (rule rm, channel rm, channel test):
// the request and the words it reports with are all a subclass gives.
class AlertIdCommand : public AlertCommand {
protected:
    struct Call {
        QByteArray method; // "DELETE", "POST"
        QString path;      // with %1 for the id: "/api/alerts/rules/%1"
        QString what;      // "delete rule %1": the failure says "cannot delete rule 3: ..."
        QString confirmed; // "deleted rule %1"
    };
    AlertIdCommand(QStringList words, const QString &idHelp, Call call)
        : AlertCommand(std::move(words), {{QStringLiteral("id"), idHelp, QStringLiteral("N")}})
        , m_call(std::move(call)) {}

    std::optional<QString> optionsError(const QCommandLineParser &parser) const override {
        return idError(parser);
    }
    int execute(const QCommandLineParser &parser, Connection &connection,
                const CommandIo &io) const override;

private:
    Call m_call;
};

} // namespace mist::cli
