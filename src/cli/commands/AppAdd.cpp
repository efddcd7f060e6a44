// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor app add --name N [--project P] (--container NAME | --service NAME |
//     --git URL [--branch B] [--dockerfile PATH] [--port N] [--replicas N])
// Prints the new app's id, and nothing else, on stdout.
#include "StoreCommand.h"
#include "store/Store.h"

#include <QRegularExpression>

namespace mist::cli {

namespace {

using store::Store;

QCommandLineOption option(const QString &name, const QString &description,
                          const QString &valueName) {
    return QCommandLineOption(name, description, valueName);
}

// Exactly one of --container, --service and --git, and the git-only options
// with --git only.
std::optional<QString> kindError(const QCommandLineParser &parser) {
    const bool container = parser.isSet(QStringLiteral("container"));
    const bool git = parser.isSet(QStringLiteral("git"));
    const bool service = parser.isSet(QStringLiteral("service"));
    if (int(container) + int(git) + int(service) > 1)
        return QStringLiteral("--container, --service and --git exclude each other");
    if (!container && !git && !service)
        return QStringLiteral("missing --container NAME, --service NAME or --git URL");
    if (git)
        return std::nullopt;
    for (const QString &gitOnly : {QStringLiteral("branch"), QStringLiteral("dockerfile"),
                                   QStringLiteral("port"), QStringLiteral("replicas")}) {
        if (parser.isSet(gitOnly))
            return QStringLiteral("--%1 applies only to --git apps").arg(gitOnly);
    }
    return std::nullopt;
}

// --port and --replicas as numbers; the app keeps its defaults without them.
std::optional<QString> readNumbers(const QCommandLineParser &parser, store::App &app) {
    if (parser.isSet(QStringLiteral("port"))) {
        const QString port = parser.value(QStringLiteral("port"));
        static const QRegularExpression digits(QStringLiteral("^[0-9]{1,5}$"));
        if (!digits.match(port).hasMatch() || port.toInt() > 65535)
            return QStringLiteral("invalid port \"%1\" (expected 0 to 65535)").arg(port);
        app.port = port.toInt();
    }
    if (parser.isSet(QStringLiteral("replicas"))) {
        const QString replicas = parser.value(QStringLiteral("replicas"));
        static const QRegularExpression digits(QStringLiteral("^[0-9]{1,4}$"));
        if (!digits.match(replicas).hasMatch() || replicas.toInt() > store::App::MaxReplicas)
            return QStringLiteral("invalid replicas \"%1\" (expected 0 to %2)")
                .arg(replicas)
                .arg(store::App::MaxReplicas);
        app.replicas = replicas.toInt();
    }
    return std::nullopt;
}

// The app the options describe, normalised as the store will keep it.
Result<store::App> appFrom(const QCommandLineParser &parser) {
    store::App app;
    app.name = parser.value(QStringLiteral("name"));
    app.projectName = parser.value(QStringLiteral("project")); // empty: the default project
    app.containerName = parser.value(QStringLiteral("container"));
    app.serviceName = parser.value(QStringLiteral("service"));
    app.gitUrl = parser.value(QStringLiteral("git"));
    app.gitBranch = parser.value(QStringLiteral("branch"));
    app.dockerfile = parser.value(QStringLiteral("dockerfile"));
    if (const auto error = readNumbers(parser, app))
        return usageFailure(*error);
    if (const auto valid = store::normalizeApp(app); !valid)
        return usageFailure(valid.error());
    return app;
}

class AppAdd : public StoreCommand {
public:
    AppAdd()
        : StoreCommand(
              {QStringLiteral("app"), QStringLiteral("add")},
              QStringLiteral("app add --name N [--project P] (--container NAME | --service NAME | "
                             "--git URL [--branch B] [--dockerfile PATH] [--port N] "
                             "[--replicas N]) [--data-dir DIR]"),
              {option(QStringLiteral("name"), QStringLiteral("App name."), QStringLiteral("N")),
               option(QStringLiteral("project"), QStringLiteral("Project (default: default)."),
                      QStringLiteral("P")),
               option(QStringLiteral("container"), QStringLiteral("Existing container."),
                      QStringLiteral("NAME")),
               option(QStringLiteral("service"),
                      QStringLiteral("Existing Docker Swarm service (server on a manager)."),
                      QStringLiteral("NAME")),
               option(QStringLiteral("git"), QStringLiteral("Git repository to build."),
                      QStringLiteral("URL")),
               option(QStringLiteral("branch"), QStringLiteral("Git branch (default: main)."),
                      QStringLiteral("B")),
               option(QStringLiteral("dockerfile"),
                      QStringLiteral("Dockerfile in the repository (default: Dockerfile)."),
                      QStringLiteral("PATH")),
               option(QStringLiteral("port"), QStringLiteral("Port the app listens on."),
                      QStringLiteral("N")),
               option(QStringLiteral("replicas"),
                      QStringLiteral("Deploy as a Swarm service of N replicas (0: one "
                                     "container)."),
                      QStringLiteral("N")),
               dataDirOption()}) {}

protected:
    int execute(const QCommandLineParser &parser, const CommandIo &io) const override {
        if (!parser.isSet(QStringLiteral("name")))
            return usageError(io, QStringLiteral("missing --name"));
        if (const auto error = kindError(parser))
            return usageError(io, *error);
        const Result<store::App> app = appFrom(parser);
        if (!app)
            return report(io, app.error());

        auto store = openStore(parser, io);
        if (!store)
            return report(io, store.error());
        const auto added = (*store)->apps().add(*app);
        if (!added)
            return failed(io, added.error());
        // The id alone on stdout, so that scripts can capture it: id=$(mist-monitor app add ...)
        io.out << added->id << '\n';
        return confirm(
            io, QStringLiteral("added app %1 to project %2").arg(added->name, added->projectName));
    }
};

} // namespace

std::unique_ptr<Command> makeAppAdd() {
    return std::make_unique<AppAdd>();
}

} // namespace mist::cli
