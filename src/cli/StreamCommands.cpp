#include "StreamCommands.h"

#include "OperatorCommands.h"
#include "protocol/Parsing.h"
#include "store/Store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkReply>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

#include <memory>

namespace mist::cli {

namespace {

struct Target {
    QUrl url;                      // http(s)://host:port
    QByteArray token;              // mist_token
    std::function<void()> release; // revokes a session we created
};

struct HttpAnswer {
    int status = 0;
    QJsonObject json;
    QByteArray setCookie;
    QString error;
};

HttpAnswer httpCall(QNetworkAccessManager &nam, const QByteArray &method, const QUrl &url,
                    const QByteArray &token, const QByteArray &body = {}) {
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!token.isEmpty())
        request.setRawHeader("Cookie", "mist_token=" + token);
    request.setTransferTimeout(30000);
    QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.json = QJsonDocument::fromJson(reply->readAll()).object();
    answer.setCookie = reply->rawHeader("Set-Cookie");
    if (answer.status == 0)
        answer.error = reply->errorString();
    else if (!answer.json.value(QStringLiteral("success")).toBool())
        answer.error = answer.json.value(QStringLiteral("error"))
                           .toString(QStringLiteral("HTTP %1").arg(answer.status));
    reply->deleteLater();
    return answer;
}

QUrl normalizeUrl(const QString &text, QString *error) {
    QUrl url(text, QUrl::StrictMode);
    if (url.scheme() == u"ws")
        url.setScheme(QStringLiteral("http"));
    else if (url.scheme() == u"wss")
        url.setScheme(QStringLiteral("https"));
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
        url.host().isEmpty()) {
        *error = QStringLiteral("--url wants http(s)://host:port or ws(s)://host:port, not '%1'")
                     .arg(text);
        return {};
    }
    url.setPath(QString());
    url.setQuery(QString());
    return url;
}

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

std::optional<Target> remoteTarget(QNetworkAccessManager &nam, const QString &urlText,
                                   const QString &email, QIODevice &in, QString *error) {
    const QUrl url = normalizeUrl(urlText, error);
    if (url.isEmpty())
        return std::nullopt;
    QByteArray password = in.readLine();
    while (password.endsWith('\n') || password.endsWith('\r'))
        password.chop(1);
    if (password.isEmpty()) {
        *error = QStringLiteral("--password-stdin: no password on standard input");
        return std::nullopt;
    }
    QUrl login = url;
    login.setPath(QStringLiteral("/api/auth/login"));
    const HttpAnswer answer = httpCall(
        nam, "POST", login, {},
        QJsonDocument(QJsonObject{{QStringLiteral("email"), email},
                                  {QStringLiteral("password"), QString::fromUtf8(password)}})
            .toJson(QJsonDocument::Compact));
    if (answer.status != 200) {
        *error = answer.status == 0
                     ? QStringLiteral("cannot reach %1: %2").arg(url.toString(), answer.error)
                     : QStringLiteral("sign-in failed: %1").arg(answer.error);
        return std::nullopt;
    }
    const QList<QNetworkCookie> cookies = QNetworkCookie::parseCookies(answer.setCookie);
    Target target;
    target.url = url;
    for (const QNetworkCookie &c : cookies) {
        if (c.name() == "mist_token")
            target.token = c.value();
    }
    if (target.token.isEmpty()) {
        *error = QStringLiteral("the server set no session cookie");
        return std::nullopt;
    }
    target.release = [&nam, url, token = target.token] {
        QUrl logout = url;
        logout.setPath(QStringLiteral("/api/auth/logout"));
        httpCall(nam, "POST", logout, token);
    };
    return target;
}

// Follows /ws/deployment/logs until `end`; returns the exit code.
int followDeployment(const Target &target, qint64 id, bool json, QTextStream &out,
                     QTextStream &err) {
    QUrl ws = target.url;
    ws.setScheme(ws.scheme() == u"https" ? QStringLiteral("wss") : QStringLiteral("ws"));
    ws.setPath(QStringLiteral("/ws/deployment/logs"));
    ws.setQuery(QStringLiteral("deploymentId=%1").arg(id));
    QNetworkRequest request(ws);
    request.setRawHeader("Cookie", "mist_token=" + target.token);
    QWebSocket socket;
    QEventLoop loop;
    QString finalStatus;
    QString errorText;
    bool ended = false;
    QObject::connect(&socket, &QWebSocket::textMessageReceived, &loop, [&](const QString &text) {
        const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
        const QString type = m.value(QStringLiteral("type")).toString();
        const QJsonObject data = m.value(QStringLiteral("data")).toObject();
        if (json) {
            out << text << '\n';
            out.flush();
        }
        if (type == u"log") {
            if (!json)
                out << data.value(QStringLiteral("line")).toString() << '\n';
            out.flush();
        } else if (type == u"status") {
            finalStatus = data.value(QStringLiteral("status")).toString();
            if (!json)
                err << "mist-monitor: [" << finalStatus << "] "
                    << data.value(QStringLiteral("stage")).toString() << ' '
                    << data.value(QStringLiteral("progress")).toInt() << "% "
                    << data.value(QStringLiteral("message")).toString() << '\n';
            err.flush();
        } else if (type == u"error") {
            errorText = data.value(QStringLiteral("message")).toString();
        } else if (type == u"end") {
            ended = true;
        }
    });
    QObject::connect(&socket, &QWebSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(&socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), &loop,
                     [&](QAbstractSocket::SocketError) {
                         if (errorText.isEmpty())
                             errorText = socket.errorString();
                         loop.quit();
                     });
    socket.open(request);
    loop.exec();
    if (ended && finalStatus == u"success") {
        err << "mist-monitor: deployment " << id << " succeeded\n";
        return ExitOk;
    }
    err << "mist-monitor: deployment " << id << " "
        << (finalStatus == u"failed" ? QStringLiteral("failed")
                                     : QStringLiteral("not followed to its end"))
        << (errorText.isEmpty() ? QString() : QStringLiteral(": ") + errorText) << '\n';
    return ExitFailure;
}

} // namespace

bool isStreamCommand(const QString &firstArg) {
    return firstArg == u"deploy" || firstArg == u"deployment";
}

int runStreamCommand(const QStringList &args, QTextStream &out, QTextStream &err, QIODevice &in,
                     const QString &defaultDataDir) {
    const QString command = args.value(0);
    QCommandLineParser parser;
    parser.addHelpOption();
    const bool deploy = command == u"deploy";
    if (deploy)
        parser.addOption(
            {QStringLiteral("app"), QStringLiteral("App to deploy."), QStringLiteral("N")});
    else
        parser.addOption(
            {QStringLiteral("id"), QStringLiteral("Deployment to follow."), QStringLiteral("N")});
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

    auto usage = [&](const QString &message) {
        err << "mist-monitor: " << message << '\n';
        return int(ExitUsage);
    };
    QStringList argv = args;
    argv[0] = QStringLiteral("mist-monitor ") + command;
    if (!parser.parse(argv))
        return usage(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return usage(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    const QString idOption = deploy ? QStringLiteral("app") : QStringLiteral("id");
    const auto id = protocol::parseId(parser.value(idOption));
    if (!parser.isSet(idOption) || !id)
        return usage(QStringLiteral("--%1 wants a positive id").arg(idOption));
    const bool remote = parser.isSet(QStringLiteral("url"));
    if (remote &&
        (!parser.isSet(QStringLiteral("email")) || !parser.isSet(QStringLiteral("password-stdin"))))
        return usage(QStringLiteral("--url needs --email and --password-stdin"));
    if (remote && parser.isSet(QStringLiteral("data-dir")))
        return usage(QStringLiteral("--url and --data-dir exclude each other"));

    QNetworkAccessManager nam;
    QString error;
    const QString dataDir = parser.isSet(QStringLiteral("data-dir"))
                                ? parser.value(QStringLiteral("data-dir"))
                                : defaultDataDir;
    const std::optional<Target> target =
        remote ? remoteTarget(nam, parser.value(QStringLiteral("url")),
                              parser.value(QStringLiteral("email")), in, &error)
               : localTarget(dataDir, parser.value(QStringLiteral("email")), &error);
    if (!target) {
        err << "mist-monitor: " << error << '\n';
        return ExitFailure;
    }
    int rc = ExitFailure;
    qint64 deploymentId = *id;
    if (deploy) {
        QUrl url = target->url;
        url.setPath(QStringLiteral("/api/deployments"));
        const HttpAnswer answer =
            httpCall(nam, "POST", url, target->token,
                     QJsonDocument(QJsonObject{{QStringLiteral("appId"), double(*id)}})
                         .toJson(QJsonDocument::Compact));
        if (answer.status != 201) {
            err << "mist-monitor: cannot deploy app " << *id << ": "
                << (answer.status == 0
                        ? QStringLiteral("cannot reach %1: %2").arg(url.toString(), answer.error)
                        : answer.error)
                << '\n';
            target->release();
            return ExitFailure;
        }
        deploymentId = qint64(answer.json.value(QStringLiteral("data"))
                                  .toObject()
                                  .value(QStringLiteral("id"))
                                  .toDouble());
        err << "mist-monitor: deployment " << deploymentId << " queued\n";
        err.flush();
    }
    rc = followDeployment(*target, deploymentId, parser.isSet(QStringLiteral("json")), out, err);
    target->release();
    return rc;
}

} // namespace mist::cli
