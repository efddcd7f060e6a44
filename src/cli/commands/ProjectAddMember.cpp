// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor project add-member --project P --email E: the user may see the
// project's apps (owners and admins see every app anyway).
#include "StoreCommand.h"
#include "store/Store.h"

namespace mist::cli {

namespace {

using store::Store;

class ProjectAddMember : public StoreCommand {
public:
    ProjectAddMember()
        : StoreCommand({QStringLiteral("project"), QStringLiteral("add-member")},
                       QStringLiteral("project add-member --project P --email E [--data-dir DIR]"),
                       {QCommandLineOption(QStringLiteral("project"),
                                           QStringLiteral("Project name."), QStringLiteral("P")),
                        emailOption(), dataDirOption()}) {}

protected:
    int execute(const QCommandLineParser &parser, const CommandIo &io) const override {
        if (!parser.isSet(QStringLiteral("project")))
            return usageError(io, QStringLiteral("missing --project"));
        if (!parser.isSet(QStringLiteral("email")))
            return usageError(io, QStringLiteral("missing --email"));
        const QString project = parser.value(QStringLiteral("project"));
        if (const auto valid = store::validateProjectName(project); !valid)
            return usageError(io, valid.error());
        const auto email = store::normalizeEmail(parser.value(QStringLiteral("email")));
        if (!email)
            return usageError(io, email.error());

        auto store = openStore(parser, io);
        if (!store)
            return report(io, store.error());
        if (const auto added = (*store)->projects().addMember(project, *email); !added)
            return failed(io, added.error());
        return confirm(io, QStringLiteral("%1 is a member of project %2").arg(*email, project));
    }
};

} // namespace

std::unique_ptr<Command> makeProjectAddMember() {
    return std::make_unique<ProjectAddMember>();
}

} // namespace mist::cli
