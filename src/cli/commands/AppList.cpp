// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor app list: one tab-separated line per app (id, project, name,
// container, git URL, branch, Dockerfile, port of a git app, Swarm service).
#include "StoreCommand.h"
#include "store/Store.h"

namespace mist::cli {

namespace {

class AppList : public StoreCommand {
public:
    AppList()
        : StoreCommand({QStringLiteral("app"), QStringLiteral("list")},
                       QStringLiteral("app list [--data-dir DIR]"), {dataDirOption()}) {}

protected:
    int execute(const QCommandLineParser &parser, const CommandIo &io) const override {
        auto store = openStore(parser, io);
        if (!store)
            return report(io, store.error());
        const auto apps = (*store)->apps().all();
        if (!apps)
            return failed(io, apps.error());
        for (const store::App &app : *apps) {
            io.out << app.id << '\t' << app.projectName << '\t' << app.name << '\t'
                   << app.containerName << '\t' << app.gitUrl << '\t' << app.gitBranch << '\t'
                   << app.dockerfile << '\t'
                   << (app.isGit() ? QString::number(app.port) : QString()) << '\t'
                   << app.swarmServiceName() << '\n';
        }
        return ExitOk;
    }
};

} // namespace

std::unique_ptr<Command> makeAppList() {
    return std::make_unique<AppList>();
}

} // namespace mist::cli
