#include "OperatorCommands.h"

#include "store/Store.h"

#include <QCommandLineParser>

#include <QRegularExpression>
#include <optional>

#include <algorithm>

namespace mist::cli {

namespace {

using store::Store;

const QString kPrefix = QStringLiteral("mist-monitor: ");

// Longer than any acceptable password, so an overlong one is still seen as
// such instead of being silently cut to a valid length.
constexpr qint64 kPasswordReadLimit = 64 * 1024;

struct Io {
    QTextStream &out;
    QTextStream &err;
    QIODevice &in;
    QString defaultDataDir;
};

int report(QTextStream &err, int code, const QString &message) {
    err << kPrefix << message << '\n';
    return code;
}

int usageError(const Io &io, const QString &message) {
    return report(io.err, ExitUsage, message);
}

int failure(const Io &io, const QString &message) {
    return report(io.err, ExitFailure, message);
}

struct Command {
    QString group;
    QString name;
    QString synopsis; // after "mist-monitor "
    QList<QCommandLineOption> options;
    int (*run)(const QCommandLineParser &parser, const Io &io);
};

QCommandLineOption dataDirOption() {
    return QCommandLineOption(QStringLiteral("data-dir"), QStringLiteral("Data directory."),
                              QStringLiteral("DIR"));
}

// Opens the store in --data-dir (or the default); reports on failure.
bool openStore(Store &store, const QCommandLineParser &parser, const Io &io, int *code) {
    const QString dataDir = parser.isSet(QStringLiteral("data-dir"))
                                ? parser.value(QStringLiteral("data-dir"))
                                : io.defaultDataDir;
    if (dataDir.isEmpty()) {
        *code = usageError(io, QStringLiteral("no data directory: give --data-dir DIR"));
        return false;
    }
    QString error;
    if (!store.open(dataDir, &error)) {
        *code = failure(io, error);
        return false;
    }
    return true;
}

// The first line of `in`, without its line ending; empty when there is none.
QByteArray readPassword(QIODevice &in) {
    if (!in.isReadable())
        return {};
    QByteArray line = in.readLine(kPasswordReadLimit);
    if (line.endsWith('\n'))
        line.chop(1);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

int userAdd(const QCommandLineParser &parser, const Io &io) {
    if (!parser.isSet(QStringLiteral("email")))
        return usageError(io, QStringLiteral("missing --email"));
    if (!parser.isSet(QStringLiteral("role")))
        return usageError(io, QStringLiteral("missing --role (owner, admin or user)"));
    // Never as an argument: command lines are visible to every local user.
    if (!parser.isSet(QStringLiteral("password-stdin")))
        return usageError(io, QStringLiteral("missing --password-stdin (the password is read from "
                                             "standard input, never from the command line)"));
    const QString roleText = parser.value(QStringLiteral("role"));
    const auto role = store::parseRole(roleText);
    if (!role)
        return usageError(
            io,
            QStringLiteral("invalid role \"%1\" (expected owner, admin or user)").arg(roleText));
    QString error;
    const auto email = Store::normalizeEmail(parser.value(QStringLiteral("email")), &error);
    if (!email)
        return usageError(io, error);
    const QByteArray password = readPassword(io.in);
    if (password.isEmpty())
        return usageError(io, QStringLiteral("no password on standard input (--password-stdin "
                                             "reads its first line)"));
    if (!Store::validatePassword(password, &error))
        return usageError(io, error);

    Store store;
    int code = ExitOk;
    if (!openStore(store, parser, io, &code))
        return code;
    const auto user = store.addUser(*email, *role, password, &error);
    if (!user)
        return failure(io, error);
    return report(io.err, ExitOk,
                  QStringLiteral("added %1 %2 (id %3)")
                      .arg(store::roleName(user->role), user->email)
                      .arg(user->id));
}

int userList(const QCommandLineParser &parser, const Io &io) {
    Store store;
    int code = ExitOk;
    if (!openStore(store, parser, io, &code))
        return code;
    QString error;
    const QList<store::User> users = store.users(&error);
    if (!error.isEmpty())
        return failure(io, error);
    for (const store::User &user : users)
        io.out << user.id << '\t' << user.email << '\t' << store::roleName(user.role) << '\n';
    return ExitOk;
}

// The user named by --email, for the token commands; reports when missing.
std::optional<store::User> tokenOwner(Store &store, const QCommandLineParser &parser, const Io &io,
                                      int *code) {
    QString error;
    const auto email = Store::normalizeEmail(parser.value(QStringLiteral("email")), &error);
    if (!email) {
        *code = usageError(io, error);
        return std::nullopt;
    }
    const auto user = store.userByEmail(*email);
    if (!user)
        *code = failure(io, QStringLiteral("no user %1").arg(*email));
    return user;
}

int tokenCreate(const QCommandLineParser &parser, const Io &io) {
    if (!parser.isSet(QStringLiteral("email")) || !parser.isSet(QStringLiteral("name")))
        return usageError(io, QStringLiteral("token create needs --email and --name"));
    int days = 90;
    if (parser.isSet(QStringLiteral("days"))) {
        bool ok = false;
        days = parser.value(QStringLiteral("days")).toInt(&ok);
        if (!ok || days < 1 || days > 3650)
            return usageError(io, QStringLiteral("--days wants a whole number from 1 to 3650"));
    }
    Store store;
    int code = ExitOk;
    if (!openStore(store, parser, io, &code))
        return code;
    const auto user = tokenOwner(store, parser, io, &code);
    if (!user)
        return code;
    QString error;
    const QByteArray token =
        store.createApiToken(user->id, parser.value(QStringLiteral("name")), days, &error);
    if (token.isEmpty())
        return failure(io, error);
    // Shown once, on stdout only; the database keeps just its hash.
    io.out << token << '\n';
    return report(io.err, ExitOk,
                  QStringLiteral("token %1 for %2 valid for %3 days; send it as "
                                 "'Authorization: Bearer TOKEN'")
                      .arg(parser.value(QStringLiteral("name")), user->email)
                      .arg(days));
}

int tokenList(const QCommandLineParser &parser, const Io &io) {
    Store store;
    int code = ExitOk;
    if (!openStore(store, parser, io, &code))
        return code;
    QString error;
    const QList<store::ApiToken> tokens = store.apiTokens(&error);
    if (!error.isEmpty())
        return failure(io, error);
    for (const store::ApiToken &t : tokens)
        io.out << t.email << '\t' << t.name << '\t' << t.createdAt.toString(Qt::ISODate) << '\t'
               << t.expiresAt.toString(Qt::ISODate) << '\t' << t.lastUsedAt.toString(Qt::ISODate)
               << '\n';
    return ExitOk;
}

int tokenRevoke(const QCommandLineParser &parser, const Io &io) {
    if (!parser.isSet(QStringLiteral("email")) || !parser.isSet(QStringLiteral("name")))
        return usageError(io, QStringLiteral("token revoke needs --email and --name"));
    Store store;
    int code = ExitOk;
    if (!openStore(store, parser, io, &code))
        return code;
    const auto user = tokenOwner(store, parser, io, &code);
    if (!user)
        return code;
    QString error;
    if (!store.revokeApiToken(user->id, parser.value(QStringLiteral("name")), &error))
        return failure(io, error);
    return report(io.err, ExitOk,
                  QStringLiteral("token %1 of %2 revoked")
                      .arg(parser.value(QStringLiteral("name")), user->email));
}

int appAdd(const QCommandLineParser &parser, const Io &io) {
    if (!parser.isSet(QStringLiteral("name")))
        return usageError(io, QStringLiteral("missing --name"));
    const bool container = parser.isSet(QStringLiteral("container"));
    const bool git = parser.isSet(QStringLiteral("git"));
    const bool service = parser.isSet(QStringLiteral("service"));
    if (int(container) + int(git) + int(service) > 1)
        return usageError(io,
                          QStringLiteral("--container, --service and --git exclude each other"));
    if (!container && !git && !service)
        return usageError(io,
                          QStringLiteral("missing --container NAME, --service NAME or --git URL"));
    if (container || service) {
        for (const QString &gitOnly : {QStringLiteral("branch"), QStringLiteral("dockerfile"),
                                       QStringLiteral("port"), QStringLiteral("replicas")}) {
            if (parser.isSet(gitOnly))
                return usageError(io,
                                  QStringLiteral("--%1 applies only to --git apps").arg(gitOnly));
        }
    }

    store::App app;
    app.name = parser.value(QStringLiteral("name"));
    app.projectName = parser.value(QStringLiteral("project")); // empty: the default project
    app.containerName = parser.value(QStringLiteral("container"));
    app.serviceName = parser.value(QStringLiteral("service"));
    app.gitUrl = parser.value(QStringLiteral("git"));
    app.gitBranch = parser.value(QStringLiteral("branch"));
    app.dockerfile = parser.value(QStringLiteral("dockerfile"));
    if (parser.isSet(QStringLiteral("port"))) {
        const QString port = parser.value(QStringLiteral("port"));
        static const QRegularExpression digits(QStringLiteral("^[0-9]{1,5}$"));
        if (!digits.match(port).hasMatch() || port.toInt() > 65535)
            return usageError(
                io, QStringLiteral("invalid port \"%1\" (expected 0 to 65535)").arg(port));
        app.port = port.toInt();
    }
    if (parser.isSet(QStringLiteral("replicas"))) {
        const QString replicas = parser.value(QStringLiteral("replicas"));
        static const QRegularExpression digits(QStringLiteral("^[0-9]{1,4}$"));
        if (!digits.match(replicas).hasMatch() || replicas.toInt() > store::App::MaxReplicas)
            return usageError(io, QStringLiteral("invalid replicas \"%1\" (expected 0 to %2)")
                                      .arg(replicas)
                                      .arg(store::App::MaxReplicas));
        app.replicas = replicas.toInt();
    }
    QString error;
    if (!Store::normalizeApp(app, &error))
        return usageError(io, error);

    Store store;
    int code = ExitOk;
    if (!openStore(store, parser, io, &code))
        return code;
    const auto added = store.addApp(app, &error);
    if (!added)
        return failure(io, error);
    // The id alone on stdout, so that scripts can capture it: id=$(mist-monitor app add ...)
    io.out << added->id << '\n';
    return report(
        io.err, ExitOk,
        QStringLiteral("added app %1 to project %2").arg(added->name, added->projectName));
}

int appList(const QCommandLineParser &parser, const Io &io) {
    Store store;
    int code = ExitOk;
    if (!openStore(store, parser, io, &code))
        return code;
    QString error;
    const QList<store::App> apps = store.allApps(&error);
    if (!error.isEmpty())
        return failure(io, error);
    for (const store::App &app : apps) {
        io.out << app.id << '\t' << app.projectName << '\t' << app.name << '\t' << app.containerName
               << '\t' << app.gitUrl << '\t' << app.gitBranch << '\t' << app.dockerfile << '\t'
               << (app.isGit() ? QString::number(app.port) : QString()) << '\t'
               << app.swarmServiceName() << '\n';
    }
    return ExitOk;
}

int projectAddMember(const QCommandLineParser &parser, const Io &io) {
    if (!parser.isSet(QStringLiteral("project")))
        return usageError(io, QStringLiteral("missing --project"));
    if (!parser.isSet(QStringLiteral("email")))
        return usageError(io, QStringLiteral("missing --email"));
    const QString project = parser.value(QStringLiteral("project"));
    QString error;
    if (!Store::validateProjectName(project, &error))
        return usageError(io, error);
    const auto email = Store::normalizeEmail(parser.value(QStringLiteral("email")), &error);
    if (!email)
        return usageError(io, error);

    Store store;
    int code = ExitOk;
    if (!openStore(store, parser, io, &code))
        return code;
    if (!store.addMember(project, *email, &error))
        return failure(io, error);
    return report(io.err, ExitOk,
                  QStringLiteral("%1 is a member of project %2").arg(*email, project));
}

const QList<Command> &commands() {
    const QString emailDescription = QStringLiteral("The user's email address.");
    static const QList<Command> list = {
        {QStringLiteral("user"),
         QStringLiteral("add"),
         QStringLiteral("user add --email E --role owner|admin|user --password-stdin "
                        "[--data-dir DIR]"),
         {QCommandLineOption(QStringLiteral("email"), emailDescription, QStringLiteral("E")),
          QCommandLineOption(QStringLiteral("role"), QStringLiteral("owner, admin or user."),
                             QStringLiteral("ROLE")),
          QCommandLineOption(QStringLiteral("password-stdin"),
                             QStringLiteral("Read the password from standard input.")),
          dataDirOption()},
         userAdd},
        {QStringLiteral("user"),
         QStringLiteral("list"),
         QStringLiteral("user list [--data-dir DIR]"),
         {dataDirOption()},
         userList},
        {QStringLiteral("app"),
         QStringLiteral("add"),
         QStringLiteral("app add --name N [--project P] (--container NAME | --service NAME | "
                        "--git URL [--branch B] [--dockerfile PATH] [--port N] [--replicas N]) "
                        "[--data-dir DIR]"),
         {QCommandLineOption(QStringLiteral("name"), QStringLiteral("App name."),
                             QStringLiteral("N")),
          QCommandLineOption(QStringLiteral("project"),
                             QStringLiteral("Project (default: default)."), QStringLiteral("P")),
          QCommandLineOption(QStringLiteral("container"), QStringLiteral("Existing container."),
                             QStringLiteral("NAME")),
          QCommandLineOption(QStringLiteral("service"),
                             QStringLiteral("Existing Docker Swarm service (server on a manager)."),
                             QStringLiteral("NAME")),
          QCommandLineOption(QStringLiteral("git"), QStringLiteral("Git repository to build."),
                             QStringLiteral("URL")),
          QCommandLineOption(QStringLiteral("branch"),
                             QStringLiteral("Git branch (default: main)."), QStringLiteral("B")),
          QCommandLineOption(QStringLiteral("dockerfile"),
                             QStringLiteral("Dockerfile in the repository (default: Dockerfile)."),
                             QStringLiteral("PATH")),
          QCommandLineOption(QStringLiteral("port"), QStringLiteral("Port the app listens on."),
                             QStringLiteral("N")),
          QCommandLineOption(QStringLiteral("replicas"),
                             QStringLiteral("Deploy as a Swarm service of N replicas (0: one "
                                            "container)."),
                             QStringLiteral("N")),
          dataDirOption()},
         appAdd},
        {QStringLiteral("app"),
         QStringLiteral("list"),
         QStringLiteral("app list [--data-dir DIR]"),
         {dataDirOption()},
         appList},
        {QStringLiteral("token"),
         QStringLiteral("create"),
         QStringLiteral("token create --email E --name N [--days D] [--data-dir DIR]"),
         {QCommandLineOption(QStringLiteral("email"), emailDescription, QStringLiteral("E")),
          QCommandLineOption(QStringLiteral("name"), QStringLiteral("Token name."),
                             QStringLiteral("N")),
          QCommandLineOption(QStringLiteral("days"),
                             QStringLiteral("Lifetime in days (default 90)."), QStringLiteral("D")),
          dataDirOption()},
         tokenCreate},
        {QStringLiteral("token"),
         QStringLiteral("list"),
         QStringLiteral("token list [--data-dir DIR]"),
         {dataDirOption()},
         tokenList},
        {QStringLiteral("token"),
         QStringLiteral("revoke"),
         QStringLiteral("token revoke --email E --name N [--data-dir DIR]"),
         {QCommandLineOption(QStringLiteral("email"), emailDescription, QStringLiteral("E")),
          QCommandLineOption(QStringLiteral("name"), QStringLiteral("Token name."),
                             QStringLiteral("N")),
          dataDirOption()},
         tokenRevoke},
        {QStringLiteral("project"),
         QStringLiteral("add-member"),
         QStringLiteral("project add-member --project P --email E [--data-dir DIR]"),
         {QCommandLineOption(QStringLiteral("project"), QStringLiteral("Project name."),
                             QStringLiteral("P")),
          QCommandLineOption(QStringLiteral("email"), emailDescription, QStringLiteral("E")),
          dataDirOption()},
         projectAddMember},
    };
    return list;
}

QStringList synopses(const QString &group) {
    QStringList result;
    for (const Command &command : commands()) {
        if (command.group == group)
            result.append(command.synopsis);
    }
    return result;
}

bool isHelp(const QString &word) {
    return word == QLatin1String("--help") || word == QLatin1String("-h") ||
           word == QLatin1String("help");
}

// QCommandLineParser accepts repeated options and empty values; in an
// operator's script either is a mistake, so both are refused here.
bool parseOptions(QCommandLineParser &parser, const Command &command, const QStringList &words,
                  QString *error) {
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions(command.options);
    parser.addOption(QCommandLineOption(QStringLiteral("help"), QStringLiteral("Show usage.")));
    if (!parser.parse(QStringList{command.group + QLatin1Char(' ') + command.name} + words)) {
        *error = parser.errorText();
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error =
            QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first());
        return false;
    }
    const QStringList given = parser.optionNames();
    for (const QString &name : given) {
        if (given.count(name) > 1) {
            *error = QStringLiteral("--%1 given more than once").arg(name);
            return false;
        }
        const bool takesValue = std::any_of(
            command.options.cbegin(), command.options.cend(), [&](const QCommandLineOption &o) {
                return o.names().contains(name) && !o.valueName().isEmpty();
            });
        if (takesValue && parser.value(name).isEmpty()) {
            *error = QStringLiteral("--%1 needs a non-empty value").arg(name);
            return false;
        }
    }
    return true;
}

} // namespace

bool isOperatorCommand(const QString &firstArg) {
    return firstArg == QLatin1String("user") || firstArg == QLatin1String("app") ||
           firstArg == QLatin1String("project") || firstArg == QLatin1String("token");
}

int runOperatorCommand(const QStringList &args, QTextStream &out, QTextStream &err, QIODevice &in,
                       const QString &defaultDataDir) {
    const Io io{out, err, in, defaultDataDir};
    const auto finish = [&](int code) {
        out.flush();
        err.flush();
        return code;
    };

    if (args.isEmpty() || !isOperatorCommand(args.first()))
        return finish(
            usageError(io, QStringLiteral("unknown command \"%1\" (expected user, app or project)")
                               .arg(args.value(0))));
    const QString group = args.first();
    const QString name = args.value(1);
    if (isHelp(name)) {
        for (const QString &synopsis : synopses(group))
            out << "Usage: mist-monitor " << synopsis << '\n';
        return finish(ExitOk);
    }
    const auto command =
        std::find_if(commands().cbegin(), commands().cend(),
                     [&](const Command &c) { return c.group == group && c.name == name; });
    if (command == commands().cend()) {
        QStringList known;
        for (const Command &c : commands()) {
            if (c.group == group)
                known.append(group + QLatin1Char(' ') + c.name);
        }
        const bool missing = name.isEmpty() || name.startsWith(QLatin1Char('-'));
        const QString what = missing
                                 ? QStringLiteral("missing subcommand")
                                 : QStringLiteral("unknown subcommand \"%1 %2\"").arg(group, name);
        return finish(usageError(
            io, QStringLiteral("%1 (expected %2)").arg(what, known.join(QLatin1String(", ")))));
    }

    QCommandLineParser parser;
    QString error;
    if (!parseOptions(parser, *command, args.mid(2), &error))
        return finish(usageError(io, error));
    if (parser.isSet(QStringLiteral("help"))) {
        out << "Usage: mist-monitor " << command->synopsis << '\n';
        return finish(ExitOk);
    }
    return finish(command->run(parser, io));
}

} // namespace mist::cli
