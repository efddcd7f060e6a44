// SPDX-License-Identifier: GPL-3.0-or-later

#include "StreamFollower.h"

#include "client/StreamConnection.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QSocketNotifier>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

namespace mist::cli {

using client::StreamConnection;

namespace {

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

// One run of followStreams().
class Follower {
public:
    Follower(const FollowOptions &options, QTextStream &out, QTextStream &err)
        : m_options(options)
        , m_out(out)
        , m_err(err) {}

    void add(const Connection::Host &host, const QString &pathAndQuery,
             const ViewFactory &makeView);
    int run();

private:
    struct Host {
        std::unique_ptr<StreamConnection> stream;
        QString label;
        std::unique_ptr<HostOutput> output;
        std::unique_ptr<StreamView> view;
        bool everConnected = false;
        bool reconnecting = false;
        bool finished = false;
        qint64 counted = 0;
    };

    void onMessage(Host &h, QJsonObject message);
    void onStateChanged(Host &h, StreamConnection::State state);
    void onFailed(Host &h, const QString &reason);
    void onEnded(Host &h);
    void onSignal(int signal);
    void finish(Host &h, int code);

    const FollowOptions m_options;
    QTextStream &m_out;
    QTextStream &m_err;
    QEventLoop m_loop;
    std::vector<std::unique_ptr<Host>> m_hosts;
    int m_worst = ExitOk;
    bool m_done = false;
};

void Follower::add(const Connection::Host &host, const QString &pathAndQuery,
                   const ViewFactory &makeView) {
    auto owned = std::make_unique<Host>();
    Host &h = *owned;
    m_hosts.push_back(std::move(owned));
    h.stream = std::make_unique<StreamConnection>(host.session, pathAndQuery);
    h.label = host.label;
    const QString outPrefix = h.label.isEmpty() ? QString() : u'[' + h.label + QStringLiteral("] ");
    h.output = std::make_unique<HostOutput>(HostOutput{
        m_out, m_err, outPrefix, QStringLiteral("mist-monitor: ") + outPrefix, m_options.json});
    h.view = makeView(*h.output);

    StreamConnection *stream = h.stream.get();
    QObject::connect(stream, &StreamConnection::message, &m_loop,
                     [this, &h](const QJsonObject &m) { onMessage(h, m); });
    QObject::connect(stream, &StreamConnection::stateChanged, &m_loop,
                     [this, &h](StreamConnection::State s) { onStateChanged(h, s); });
    QObject::connect(stream, &StreamConnection::failed, &m_loop,
                     [this, &h](const QString &reason) { onFailed(h, reason); });
    QObject::connect(stream, &StreamConnection::ended, &m_loop, [this, &h] { onEnded(h); });
}

int Follower::run() {
    InterruptWatcher interrupts([this](int signal) { onSignal(signal); });
    for (const auto &h : m_hosts)
        h->stream->open();
    return m_loop.exec();
}

void Follower::onMessage(Host &h, QJsonObject message) {
    if (m_done || h.finished || !h.view->wanted(message))
        return;
    if (m_options.json) {
        QJsonObject printed = h.view->asJson(message);
        if (!h.label.isEmpty())
            printed.insert(QStringLiteral("host"), h.label);
        m_out << QJsonDocument(printed).toJson(QJsonDocument::Compact) << '\n';
    }
    if (h.view->show(message))
        ++h.counted;
    m_out.flush();
    m_err.flush();
    if (m_options.count > 0 && h.counted >= m_options.count)
        finish(h, ExitOk);
}

void Follower::onStateChanged(Host &h, StreamConnection::State state) {
    if (m_done || h.finished)
        return;
    const QString &prefix = h.output->errPrefix;
    if (state == StreamConnection::State::Reconnecting) {
        // "connection lost" once per drop, then "cannot connect".
        m_err << prefix
              << (h.everConnected && !h.reconnecting ? "connection lost" : "cannot connect")
              << ", retrying in " << h.stream->secondsUntilRetry() << " s ("
              << h.stream->dropReason() << ")\n";
        h.reconnecting = true;
    } else if (state == StreamConnection::State::Connected) {
        if (h.reconnecting)
            m_err << prefix << "reconnected\n";
        h.reconnecting = false;
        h.everConnected = true;
    }
    m_err.flush();
}

void Follower::onFailed(Host &h, const QString &reason) {
    if (reason != h.view->toldError())
        m_err << h.output->errPrefix << reason << '\n';
    m_err.flush();
    finish(h, ExitFailure);
}

void Follower::onEnded(Host &h) {
    finish(h, h.view->ended());
}

void Follower::onSignal(int signal) {
    m_err << "mist-monitor: interrupted\n";
    m_err.flush();
    if (m_done)
        return;
    m_done = true;
    for (const auto &h : m_hosts)
        h->stream->close();
    m_loop.exit(128 + signal);
}

void Follower::finish(Host &h, int code) {
    if (h.finished || m_done)
        return;
    h.finished = true;
    h.stream->close();
    m_worst = std::max(m_worst, code);
    if (std::all_of(m_hosts.begin(), m_hosts.end(), [](const auto &x) { return x->finished; })) {
        m_done = true;
        m_loop.exit(m_worst);
    }
}

} // namespace

int followStreams(const QList<Connection::Host> &hosts, const QString &pathAndQuery,
                  const ViewFactory &makeView, const FollowOptions &options, QTextStream &out,
                  QTextStream &err) {
    Follower follower(options, out, err);
    for (const Connection::Host &host : hosts)
        follower.add(host, pathAndQuery, makeView);
    return follower.run();
}

} // namespace mist::cli
