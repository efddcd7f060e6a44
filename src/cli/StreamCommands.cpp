#include "StreamCommands.h"

#include "OperatorCommands.h"
#include "client/ServerSession.h"
#include "client/StreamConnection.h"
#include "protocol/Parsing.h"
#include "store/Store.h"

#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QSslConfiguration>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

namespace mist::cli {

using client::ServerSession;
using client::StreamConnection;

namespace {

enum class Stream { Logs, Metrics, Deployment, Deploy };

std::optional<Stream> commandNamed(const QString &name) {
    if (name == u"logs")
        return Stream::Logs;
    if (name == u"metrics")
        return Stream::Metrics;
    if (name == u"deployment")
        return Stream::Deployment;
    if (name == u"deploy")
        return Stream::Deploy;
    return std::nullopt;
}

// The server and the session the command acts through.
struct Target {
    QUrl url;                      // http(s)://host:port
    QByteArray token;              // mist_token
    std::function<void()> release; // revokes a session we created
};

std::optional<Target> localTarget(const QString &dataDir, const QString &email, QString *error) {
    QFile serverFile(QDir(dataDir).filePath(QStringLiteral("server.json")));
    if (!serverFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("no server is running on data directory %1 (start one with "
                                "mist-monitor --server, or use --url)")
                     .arg(dataDir);
        return std::nullopt;
    }
    const QJsonObject info = QJsonDocument::fromJson(serverFile.readAll()).object();
    auto store = std::make_shared<store::Store>();
    if (!store->open(dataDir, error))
        return std::nullopt;
    std::optional<store::User> user;
    if (!email.isEmpty()) {
        user = store->userByEmail(email);
        if (!user) {
            *error = QStringLiteral("no user %1").arg(email);
            return std::nullopt;
        }
    } else {
        for (const store::User &u : store->users()) {
            if (u.role == store::Role::Owner) {
                user = u;
                break;
            }
        }
        if (!user) {
            *error = QStringLiteral("no owner account yet: mist-monitor user add --role owner ...");
            return std::nullopt;
        }
    }
    // Whoever can read the data directory owns the server already; a session
    // made here, and revoked when the command ends, grants nothing new.
    const QByteArray token = store->createSession(user->id, error);
    if (token.isEmpty())
        return std::nullopt;
    Target target;
    target.url = QUrl(info.value(QStringLiteral("url")).toString());
    target.token = token;
    target.release = [store, token] {
        store->revokeSession(token);
    };
    return target;
}

// One REST call, waited for in a local event loop.
ServerSession::Reply call(ServerSession &session, const QByteArray &method, const QString &path,
                          const QJsonObject &body = {}) {
    ServerSession::Reply reply;
    QEventLoop loop;
    bool done = false;
    auto finished = [&](const ServerSession::Reply &r) {
        reply = r;
        done = true;
        loop.quit();
    };
    if (method == "GET")
        session.get(path, &loop, finished);
    else
        session.post(path, body, &loop, finished);
    if (!done)
        loop.exec();
    return reply;
}

bool signIn(ServerSession &session, const QString &email, const QByteArray &password,
            QString *error) {
    QEventLoop loop;
    bool done = false;
    bool ok = false;
    session.login(email, password, [&](bool good, const QString &why) {
        ok = good;
        *error = why;
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
    if (!ok)
        return false;
    // Upstream Mist or this project's server: the streams adapt to either.
    done = false;
    session.detectDialect(&loop, [&](bool, const QString &) {
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
    return true;
}

void signOut(ServerSession &session) {
    QEventLoop loop;
    bool done = false;
    session.logout([&] {
        done = true;
        loop.quit();
    });
    QTimer::singleShot(5000, &loop, &QEventLoop::quit); // best effort
    if (!done)
        loop.exec();
}

// SIGINT/SIGTERM while following a stream: leave through the event loop, so
// the session is revoked and the socket closed properly. Self-pipe, as only
// write() is safe inside a signal handler.
class InterruptWatcher {
public:
    explicit InterruptWatcher(std::function<void(int)> onSignal)
        : m_onSignal(std::move(onSignal)) {
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_fds) != 0)
            return;
        m_notifier = std::make_unique<QSocketNotifier>(s_fds[1], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(), [this] {
            char signal = 0;
            if (::read(s_fds[1], &signal, 1) == 1)
                m_onSignal(signal);
        });
        struct sigaction action = {};
        action.sa_handler = &InterruptWatcher::handle;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        ::sigaction(SIGINT, &action, &m_oldInt);
        ::sigaction(SIGTERM, &action, &m_oldTerm);
        m_installed = true;
    }
    ~InterruptWatcher() {
        if (!m_installed)
            return;
        ::sigaction(SIGINT, &m_oldInt, nullptr);
        ::sigaction(SIGTERM, &m_oldTerm, nullptr);
        m_notifier.reset();
        ::close(s_fds[0]);
        ::close(s_fds[1]);
    }
    InterruptWatcher(const InterruptWatcher &) = delete;
    InterruptWatcher &operator=(const InterruptWatcher &) = delete;

private:
    static void handle(int signal) {
        const int saved = errno;
        const char byte = char(signal);
        [[maybe_unused]] const ssize_t written = ::write(s_fds[0], &byte, 1);
        errno = saved;
    }

    static inline int s_fds[2] = {-1, -1};
    std::function<void(int)> m_onSignal;
    std::unique_ptr<QSocketNotifier> m_notifier;
    struct sigaction m_oldInt = {};
    struct sigaction m_oldTerm = {};
    bool m_installed = false;
};

struct FollowOptions {
    Stream command = Stream::Logs;
    qint64 id = 0; // app (logs) or deployment
    bool json = false;
    qint64 count = 0; // 0: no limit
};

// One followed server: its session and, with several --url, the label that
// prefixes its lines ("[host:port] ").
struct Followed {
    ServerSession *session = nullptr;
    QString label;
};

// Follows the stream on every host until each has ended, failed or reached
// --count (or until interrupted); returns the worst exit code. Hosts are
// independent: one that goes away reconnects on its own while the others
// keep printing.
int follow(const QList<Followed> &hosts, const QString &pathAndQuery, const FollowOptions &o,
           QTextStream &out, QTextStream &err) {
    struct Host {
        std::unique_ptr<StreamConnection> stream;
        QString label;
        QString outPrefix; // "[label] " on stdout lines
        QString errPrefix; // "mist-monitor: [label] " on stderr lines
        bool everConnected = false;
        bool reconnecting = false;
        bool finished = false;
        qint64 counted = 0;
        QString printedError;     // not repeated by failed()
        QString deploymentStatus; // the last status of a deployment
        QString deploymentError;  // its `error` message
    };
    QEventLoop loop;
    std::vector<std::unique_ptr<Host>> all;
    int worst = ExitOk;
    bool done = false;
    auto finishHost = [&](Host &h, int code) {
        if (h.finished || done)
            return;
        h.finished = true;
        h.stream->close();
        worst = std::max(worst, code);
        if (std::all_of(all.begin(), all.end(), [](const auto &x) { return x->finished; })) {
            done = true;
            loop.exit(worst);
        }
    };

    for (const Followed &f : hosts) {
        auto host = std::make_unique<Host>();
        Host &h = *host;
        h.stream = std::make_unique<StreamConnection>(f.session, pathAndQuery);
        h.label = f.label;
        h.outPrefix = f.label.isEmpty() ? QString() : u'[' + f.label + QStringLiteral("] ");
        h.errPrefix = QStringLiteral("mist-monitor: ") + h.outPrefix;
        all.push_back(std::move(host));
        StreamConnection *stream = h.stream.get();

        QObject::connect(stream, &StreamConnection::message, &loop, [&, hp = &h](QJsonObject m) {
            Host &h = *hp;
            if (done || h.finished)
                return;
            if (o.json) {
                if (!h.label.isEmpty())
                    m.insert(QStringLiteral("host"), h.label);
                out << QJsonDocument(m).toJson(QJsonDocument::Compact) << '\n';
            }
            const QString type = m.value(QStringLiteral("type")).toString();
            const QJsonObject data = m.value(QStringLiteral("data")).toObject();
            if (o.command == Stream::Metrics) {
                if (!o.json)
                    out << h.outPrefix << metricsLine(m) << '\n';
                ++h.counted;
            } else if (type == u"log") {
                if (!o.json)
                    out << h.outPrefix << data.value(QStringLiteral("line")).toString() << '\n';
                ++h.counted;
            } else if (type == u"status") {
                if (o.command == Stream::Logs) {
                    if (!o.json)
                        err << h.errPrefix << "container "
                            << data.value(QStringLiteral("container")).toString() << " is "
                            << data.value(QStringLiteral("state")).toString() << " ("
                            << data.value(QStringLiteral("status")).toString() << ")\n";
                } else {
                    h.deploymentStatus = data.value(QStringLiteral("status")).toString();
                    if (!o.json)
                        err << h.errPrefix << '[' << h.deploymentStatus << "] "
                            << data.value(QStringLiteral("stage")).toString() << ' '
                            << data.value(QStringLiteral("progress")).toInt() << "% "
                            << data.value(QStringLiteral("message")).toString() << '\n';
                }
            } else if (type == u"error") {
                const QString text = data.value(QStringLiteral("message")).toString();
                if (o.command == Stream::Logs) {
                    if (!o.json)
                        err << h.errPrefix << text << '\n';
                    h.printedError = text;
                } else {
                    h.deploymentError = text; // told with the outcome
                }
            } else if (type == u"end" && o.command == Stream::Logs && !o.json) {
                err << h.errPrefix << data.value(QStringLiteral("message")).toString() << '\n';
            }
            out.flush();
            err.flush();
            if (o.count > 0 && h.counted >= o.count)
                finishHost(h, ExitOk);
        });
        QObject::connect(stream, &StreamConnection::stateChanged, &loop,
                         [&, hp = &h](StreamConnection::State state) {
                             Host &h = *hp;
                             if (done || h.finished)
                                 return;
                             if (state == StreamConnection::State::Reconnecting) {
                                 // "connection lost" once per drop, then "cannot connect".
                                 err << h.errPrefix
                                     << (h.everConnected && !h.reconnecting ? "connection lost"
                                                                            : "cannot connect")
                                     << ", retrying in " << h.stream->secondsUntilRetry() << " s ("
                                     << h.stream->dropReason() << ")\n";
                                 h.reconnecting = true;
                             } else if (state == StreamConnection::State::Connected) {
                                 if (h.reconnecting)
                                     err << h.errPrefix << "reconnected\n";
                                 h.reconnecting = false;
                                 h.everConnected = true;
                             }
                             err.flush();
                         });
        QObject::connect(stream, &StreamConnection::failed, &loop,
                         [&, hp = &h](const QString &reason) {
                             Host &h = *hp;
                             if (reason != h.printedError)
                                 err << h.errPrefix << reason << '\n';
                             err.flush();
                             finishHost(h, ExitFailure);
                         });
        QObject::connect(stream, &StreamConnection::ended, &loop, [&, hp = &h] {
            Host &h = *hp;
            if (o.command == Stream::Deployment || o.command == Stream::Deploy) {
                const bool success = h.deploymentStatus == u"success";
                err << h.errPrefix << "deployment " << o.id << (success ? " succeeded" : " failed")
                    << (success || h.deploymentError.isEmpty()
                            ? QString()
                            : QStringLiteral(": ") + h.deploymentError)
                    << '\n';
                err.flush();
                finishHost(h, success ? ExitOk : ExitFailure);
                return;
            }
            finishHost(h, ExitOk);
        });
    }

    InterruptWatcher interrupts([&](int signal) {
        err << "mist-monitor: interrupted\n";
        err.flush();
        if (done)
            return;
        done = true;
        for (const auto &h : all)
            h->stream->close();
        loop.exit(128 + signal);
    });
    for (const auto &h : all)
        h->stream->open();
    return loop.exec();
}

QString percent(const QJsonObject &part) {
    double value = 0;
    if (part.value(QStringLiteral("percent")).isDouble()) {
        value = part.value(QStringLiteral("percent")).toDouble();
    } else {
        const double total = part.value(QStringLiteral("total")).toDouble();
        value = total > 0 ? 100.0 * part.value(QStringLiteral("used")).toDouble() / total : 0;
    }
    return QString::number(value, 'f', 1) + u'%';
}

QString gib(const QJsonValue &bytes) {
    return QString::number(bytes.toDouble() / (1024.0 * 1024.0 * 1024.0), 'f', 1);
}

QString usedOfTotal(const QJsonObject &part) {
    return gib(part.value(QStringLiteral("used"))) + u'/' +
           gib(part.value(QStringLiteral("total"))) + QStringLiteral(" GiB");
}

} // namespace

QString metricsLine(const QJsonObject &sample) {
    QStringList parts;
    parts << sample.value(QStringLiteral("timestamp")).toString();
    const QJsonValue cpu = sample.value(QStringLiteral("cpu"));
    if (cpu.isObject()) {
        QString text =
            QStringLiteral("cpu ") + QString::number(cpu[u"usage"].toDouble(), 'f', 1) + u'%';
        if (cpu[u"cores"].isDouble()) {
            const int cores = cpu[u"cores"].toInt();
            text += QStringLiteral(" (%1 %2)")
                        .arg(cores)
                        .arg(cores == 1 ? QStringLiteral("core") : QStringLiteral("cores"));
        }
        parts << text;
    }
    const QJsonValue memory = sample.value(QStringLiteral("memory"));
    if (memory.isObject())
        parts << QStringLiteral("mem ") + percent(memory.toObject()) + u' ' +
                     usedOfTotal(memory.toObject());
    const QJsonValue disk = sample.value(QStringLiteral("disk"));
    if (disk.isObject())
        parts << QStringLiteral("disk ") + percent(disk.toObject()) + u' ' +
                     usedOfTotal(disk.toObject());
    // Upstream Mist gives the load average; this project's server does not.
    const QJsonObject load = sample.value(QStringLiteral("load")).toObject();
    if (load.value(QStringLiteral("one")).isDouble() &&
        load.value(QStringLiteral("five")).isDouble() &&
        load.value(QStringLiteral("fifteen")).isDouble())
        parts << QStringLiteral("load %1 %2 %3")
                     .arg(load.value(QStringLiteral("one")).toDouble(), 0, 'f', 2)
                     .arg(load.value(QStringLiteral("five")).toDouble(), 0, 'f', 2)
                     .arg(load.value(QStringLiteral("fifteen")).toDouble(), 0, 'f', 2);
    const QJsonValue docker = sample.value(QStringLiteral("docker"));
    if (docker.isObject())
        parts << QStringLiteral("containers %1/%2 images %3")
                     .arg(docker[u"containers_running"].toInteger())
                     .arg(docker[u"containers_total"].toInteger())
                     .arg(docker[u"images"].toInteger());
    else
        parts << QStringLiteral("docker unavailable");
    return parts.join(u' ');
}

bool isStreamCommand(const QString &firstArg) {
    return commandNamed(firstArg).has_value();
}

int runStreamCommand(const QStringList &args, QTextStream &out, QTextStream &err, QIODevice &in,
                     const QString &defaultDataDir) {
    const QString name = args.value(0);
    const auto command = commandNamed(name);
    auto usage = [&](const QString &message) {
        err << "mist-monitor: " << message << '\n';
        err.flush();
        return int(ExitUsage);
    };
    if (!command)
        return usage(QStringLiteral("unknown command '%1'").arg(name));

    QCommandLineParser parser;
    parser.addHelpOption();
    QString idOption;
    switch (*command) {
    case Stream::Deploy:
        idOption = QStringLiteral("app");
        parser.addOption({idOption, QStringLiteral("App to deploy."), QStringLiteral("N")});
        break;
    case Stream::Logs:
        idOption = QStringLiteral("app");
        parser.addOption(
            {idOption, QStringLiteral("App whose container log to follow."), QStringLiteral("N")});
        break;
    case Stream::Deployment:
        idOption = QStringLiteral("id");
        parser.addOption({idOption, QStringLiteral("Deployment to follow."), QStringLiteral("N")});
        break;
    case Stream::Metrics:
        break;
    }
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("Local server's data directory."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("url"),
                      QStringLiteral("Remote server (http(s):// or ws(s)://)."),
                      QStringLiteral("URL")});
    parser.addOption(
        {QStringLiteral("email"), QStringLiteral("Account to act as."), QStringLiteral("E")});
    parser.addOption({QStringLiteral("password-stdin"),
                      QStringLiteral("Read the remote account's password from standard input.")});
    parser.addOption(
        {QStringLiteral("json"), QStringLiteral("Print every message as a JSON line.")});
    parser.addOption({QStringLiteral("ca-cert"),
                      QStringLiteral("Trust only this PEM CA for the --url server's certificate "
                                     "(default: the system's CAs)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("count"),
                      *command == Stream::Metrics ? QStringLiteral("Stop after N samples.")
                                                   : QStringLiteral("Stop after N log lines."),
                      QStringLiteral("N")});

    QStringList argv = args;
    argv[0] = QStringLiteral("mist-monitor ") + name;
    if (!parser.parse(argv))
        return usage(parser.errorText());
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))) {
        out << parser.helpText();
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return usage(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    FollowOptions options;
    options.command = *command;
    options.json = parser.isSet(QStringLiteral("json"));
    if (!idOption.isEmpty()) {
        const auto id = protocol::parseId(parser.value(idOption));
        if (!parser.isSet(idOption) || !id)
            return usage(QStringLiteral("--%1 wants a positive id").arg(idOption));
        options.id = *id;
    }
    if (parser.isSet(QStringLiteral("count"))) {
        const auto count = protocol::parseId(parser.value(QStringLiteral("count")));
        if (!count)
            return usage(QStringLiteral("--count wants a positive number"));
        options.count = *count;
    }
    const QStringList urls = parser.values(QStringLiteral("url"));
    const bool remote = !urls.isEmpty();
    if (urls.size() > 1 && *command == Stream::Deploy)
        return usage(QStringLiteral("deploy takes one --url"));
    if (remote &&
        (!parser.isSet(QStringLiteral("email")) || !parser.isSet(QStringLiteral("password-stdin"))))
        return usage(QStringLiteral("--url needs --email and --password-stdin"));
    if (remote && parser.isSet(QStringLiteral("data-dir")))
        return usage(QStringLiteral("--url and --data-dir exclude each other"));
    if (!remote && parser.isSet(QStringLiteral("ca-cert")))
        return usage(QStringLiteral("--ca-cert goes with --url"));
    if (!remote && parser.isSet(QStringLiteral("password-stdin")))
        return usage(QStringLiteral("--password-stdin goes with --url"));
    QList<QUrl> remoteUrls;
    for (const QString &text : urls) {
        const QUrl url = ServerSession::normalizeUrl(QUrl(text, QUrl::StrictMode));
        if (url.isEmpty())
            return usage(
                QStringLiteral("--url wants http(s)://host:port or ws(s)://host:port, not '%1'")
                    .arg(text));
        if (remoteUrls.contains(url))
            return usage(QStringLiteral("--url %1 given twice").arg(text));
        remoteUrls << url;
    }

    // Sign in: one session per server. With several --url, each line of
    // output names its server, and a server that refuses the sign-in is
    // reported and left out while the others are followed.
    std::vector<std::unique_ptr<ServerSession>> sessions;
    QList<Followed> hosts;
    std::function<void()> release;
    bool someRefused = false;
    if (remote) {
        // One password per --url, in order; a single line serves them all.
        QList<QByteArray> passwords;
        while (passwords.size() < remoteUrls.size() && !in.atEnd()) {
            QByteArray line = in.readLine();
            while (line.endsWith('\n') || line.endsWith('\r'))
                line.chop(1);
            if (line.isEmpty())
                break;
            passwords << line;
            // Typed at a terminal: one line is all anybody types; waiting for
            // more would look like a hang.
            if (isatty(STDIN_FILENO))
                break;
        }
        if (passwords.isEmpty())
            return usage(QStringLiteral("--password-stdin: no password on standard input"));
        if (passwords.size() != 1 && passwords.size() != remoteUrls.size())
            return usage(QStringLiteral("--password-stdin: %1 passwords for %2 servers (give one "
                                        "for all, or one per --url in order)")
                             .arg(passwords.size())
                             .arg(remoteUrls.size()));
        std::optional<QSslConfiguration> ssl;
        if (parser.isSet(QStringLiteral("ca-cert"))) {
            // Pinned: this CA and no other.
            QString error;
            ssl = ServerSession::pinnedCaConfiguration(parser.value(QStringLiteral("ca-cert")),
                                                       &error);
            if (!ssl)
                return usage(QStringLiteral("--ca-cert: ") + error);
        }
        for (qsizetype i = 0; i < remoteUrls.size(); ++i) {
            auto session = std::make_unique<ServerSession>(remoteUrls[i]);
            if (ssl)
                session->setSslConfiguration(*ssl);
            const QString label = remoteUrls.size() > 1 ? remoteUrls[i].authority() : QString();
            QString error;
            if (!signIn(*session, parser.value(QStringLiteral("email")),
                        passwords.value(i, passwords.first()), &error)) {
                err << "mist-monitor: "
                    << (label.isEmpty() ? QString() : u'[' + label + QStringLiteral("] ")) << error
                    << '\n';
                err.flush();
                someRefused = true;
                continue;
            }
            hosts << Followed{session.get(), label};
            sessions.push_back(std::move(session));
        }
        if (hosts.isEmpty())
            return ExitFailure;
        release = [&sessions] {
            for (const auto &session : sessions)
                signOut(*session);
        };
    } else {
        QString error;
        const QString dataDir = parser.isSet(QStringLiteral("data-dir"))
                                    ? parser.value(QStringLiteral("data-dir"))
                                    : defaultDataDir;
        const std::optional<Target> target =
            localTarget(dataDir, parser.value(QStringLiteral("email")), &error);
        if (!target) {
            err << "mist-monitor: " << error << '\n';
            return ExitFailure;
        }
        sessions.push_back(std::make_unique<ServerSession>(target->url));
        sessions.front()->setToken(target->token);
        hosts << Followed{sessions.front().get(), QString()};
        release = target->release;
        // server.json outlives a server that crashed: make sure one answers.
        const ServerSession::Reply me =
            call(*sessions.front(), "GET", QStringLiteral("/api/auth/me"));
        if (!me.ok()) {
            err << "mist-monitor: " << me.error << '\n';
            release();
            return ExitFailure;
        }
    }

    QString path;
    switch (*command) {
    case Stream::Metrics:
        path = QStringLiteral("/ws/metrics");
        break;
    case Stream::Logs:
        path = QStringLiteral("/ws/container/logs?appId=%1").arg(options.id);
        break;
    case Stream::Deploy: {
        const ServerSession::Reply r =
            call(*sessions.front(), "POST", QStringLiteral("/api/deployments"),
                 QJsonObject{{QStringLiteral("appId"), double(options.id)}});
        if (!r.ok()) {
            err << "mist-monitor: cannot deploy app " << options.id << ": " << r.error << '\n';
            release();
            return ExitFailure;
        }
        options.id = qint64(r.data[u"id"].toDouble());
        err << "mist-monitor: deployment " << options.id << " queued\n";
        err.flush();
        path = QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(options.id);
        break;
    }
    case Stream::Deployment:
        path = QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(options.id);
        break;
    }
    int rc = follow(hosts, path, options, out, err);
    if (someRefused && rc == ExitOk)
        rc = ExitFailure;
    out.flush();
    release();
    return rc;
}

} // namespace mist::cli
