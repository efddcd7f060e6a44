// SPDX-License-Identifier: GPL-3.0-or-later

#include "deploy/GitCheckout.h"

#include "DeployLogging.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <utility>

#ifdef Q_OS_UNIX
#include <signal.h>
#include <unistd.h>
#endif

namespace mist::deploy {

namespace {

// Capture of `git log` output; a subject is one line, so this only bounds hostile commits.
constexpr qsizetype kMaxLogOutputBytes = 64 * 1024;

bool hasControlCharacters(const QString &s) {
    for (const QChar c : s) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return true;
    }
    return false;
}

QString refusalFor(const QString &url, const QString &branch, const QString &directory) {
    if (url.isEmpty())
        return QStringLiteral("Repository URL is empty");
    if (hasControlCharacters(url))
        return QStringLiteral("Refusing repository URL with control characters");
    // Even after `--`, helpers and remote programs may see the URL as an option.
    if (url.trimmed().startsWith(QLatin1Char('-')))
        return QStringLiteral("Refusing repository URL starting with '-': %1").arg(url);
    // ext:: runs an arbitrary command, fd:: talks to inherited file descriptors (and hangs).
    // git's protocol.*.allow is set too; refusing here also keeps the message clear.
    for (const auto transport : {QLatin1String("ext::"), QLatin1String("fd::")}) {
        if (url.trimmed().startsWith(transport, Qt::CaseInsensitive))
            return QStringLiteral("Refusing repository URL with the '%1' transport: %2")
                .arg(transport.chopped(2), url);
    }
    if (branch.isEmpty())
        return QStringLiteral("Branch name is empty");
    if (branch.startsWith(QLatin1Char('-')) || hasControlCharacters(branch))
        return QStringLiteral("Invalid branch name: '%1'").arg(branch);
    if (directory.isEmpty())
        return QStringLiteral("No target directory given");
    return {};
}

QProcessEnvironment gitEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // These would make git operate on some other repository than the one being cloned.
    for (const char *name : {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                             "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE",
                             "GIT_SHALLOW_FILE", "LANGUAGE"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("GIT_TERMINAL_PROMPT"), QStringLiteral("0"));
    env.insert(QStringLiteral("GIT_ASKPASS"), QStringLiteral("/bin/true"));
    // Without it a desktop session's SSH_ASKPASS would pop up a password dialog.
    env.insert(QStringLiteral("SSH_ASKPASS_REQUIRE"), QStringLiteral("never"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    return env;
}

// Removes what a failed clone left. Runs on a worker thread: must not touch any QObject.
void removeTree(const QString &directory, bool keepDirectory) {
    // A helper killed a moment ago may still finish one file creation; a second pass gets it.
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool ok = true;
        if (!keepDirectory) {
            QDir dir(directory);
            ok = !dir.exists() || dir.removeRecursively();
        } else {
            const auto entries = QDir(directory).entryInfoList(
                QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
            for (const QFileInfo &entry : entries) {
                if (entry.isDir() && !entry.isSymLink())
                    ok = QDir(entry.filePath()).removeRecursively() && ok;
                else
                    ok = QFile::remove(entry.filePath()) && ok;
            }
        }
        if (ok)
            return;
    }
    qCWarning(lcGit) << "could not remove the failed checkout" << directory;
}

void removeTreeInBackground(const QString &directory, bool keepDirectory, QObject *context,
                            std::function<void()> done) {
    QThread *thread =
        QThread::create([directory, keepDirectory] { removeTree(directory, keepDirectory); });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    if (context)
        QObject::connect(thread, &QThread::finished, context, std::move(done));
    thread->start();
}

void killProcessGroup(QProcess *process) {
    if (!process || process->state() == QProcess::NotRunning)
        return;
#ifdef Q_OS_UNIX
    // Not reaped yet (state != NotRunning), so the group id cannot have been reused; pid 0
    // would mean our own group.
    const qint64 pid = process->processId();
    if (pid > 0)
        ::kill(-pid_t(pid), SIGKILL);
#endif
    process->kill();
}

QString timeoutMessage(int ms) {
    return QStringLiteral("git clone timed out after %1 s")
        .arg(QString::number(ms / 1000.0, 'g', 6));
}

// git's own verdict: its last "fatal:"/"error:" line (the lines after it are usually generic
// advice), else its last line at all.
QString gitVerdict(int exitCode, const QString &stderrText) {
    const QStringList lines =
        stderrText.split(QRegularExpression(QStringLiteral("[\r\n]")), Qt::SkipEmptyParts);
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const QString line = it->trimmed();
        for (const auto prefix : {QLatin1String("fatal: "), QLatin1String("error: ")}) {
            if (line.startsWith(prefix) && line.size() > prefix.size())
                return line.mid(prefix.size()).trimmed();
        }
    }
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        // git's opening line says nothing about the failure.
        if (!it->trimmed().isEmpty() && !it->startsWith(QLatin1String("Cloning into ")))
            return it->trimmed();
    }
    return exitCode >= 0 ? QStringLiteral("exit code %1").arg(exitCode)
                         : QStringLiteral("git terminated abnormally");
}

} // namespace

QString redactUrl(const QString &url) {
    const qsizetype scheme = url.indexOf(QLatin1String("://"));
    if (scheme < 0)
        return url;
    const qsizetype hostStart = scheme + 3;
    qsizetype authorityEnd = url.indexOf(QLatin1Char('/'), hostStart);
    if (authorityEnd < 0)
        authorityEnd = url.size();
    const qsizetype at = url.lastIndexOf(QLatin1Char('@'), authorityEnd - 1);
    if (at < hostStart)
        return url;
    const qsizetype colon = url.indexOf(QLatin1Char(':'), hostStart);
    if (colon < 0 || colon > at)
        return url;
    return url.left(colon + 1) + QLatin1String("***") + url.mid(at);
}

QString describeCloneFailure(const QString &url, const QString &branch, int exitCode,
                             const QString &stderrText) {
    const QString shownUrl = redactUrl(url);
    const auto has = [&stderrText](const char *needle) {
        return stderrText.contains(QLatin1String(needle), Qt::CaseInsensitive);
    };
    const auto hasAny = [&has](std::initializer_list<const char *> needles) {
        return std::any_of(needles.begin(), needles.end(), has);
    };

    // Before the "not found" family: this one says "not found" too.
    if (hasAny({"Could not find remote branch", "not found in upstream"}))
        return QStringLiteral("Branch '%1' not found in %2").arg(branch, shownUrl);
    if (has("transport '") && has("' not allowed"))
        return QStringLiteral("Transport not allowed: %1").arg(shownUrl);
    if (has("Host key verification failed"))
        return QStringLiteral("SSH host key verification failed for %1").arg(shownUrl);
    // Before the unreachable family: ssh follows "Permission denied" with "Could not read from
    // remote repository".
    if (hasAny({"Authentication failed", "could not read Username", "could not read Password",
                "terminal prompts disabled", "Permission denied (publickey", "returned error: 401",
                "returned error: 403"}))
        return QStringLiteral("Authentication failed for %1").arg(shownUrl);
    // Hosting services answer "not found" for private repositories too, so "not found" and
    // "unreachable" cannot be told apart reliably; one message covers both.
    if (hasAny({"does not exist", "does not appear to be a git repository", "Repository not found",
                "' not found", "could not be found", "returned error: 404",
                "Could not resolve host", "unable to look up", "unable to connect to",
                "Failed to connect to", "Connection refused", "Connection timed out",
                "Operation timed out", "No route to host", "Network is unreachable",
                "Name or service not known", "Could not read from remote repository"}))
        return QStringLiteral("Repository not found or unreachable: %1").arg(shownUrl);

    return QStringLiteral("git clone failed: %1").arg(gitVerdict(exitCode, stderrText));
}

GitCheckout::GitCheckout(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this)) {
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this,
            [this] { abort(timeoutMessage(m_timer->interval())); });
}

GitCheckout::~GitCheckout() {
    if (!m_process)
        return;
    QProcess *process = std::exchange(m_process, nullptr);
    process->disconnect(this);
    killProcessGroup(process);
    const QString directory = m_directory;
    const bool keepDirectory = m_dirExisted;
    if (process->state() == QProcess::NotRunning) {
        delete process;
        removeTreeInBackground(directory, keepDirectory, nullptr, {});
        return;
    }
    // Deleting a running QProcess would block until the child is reaped (and warn); let it
    // finish dying on its own, then remove what it wrote, as a failed clone would.
    process->setParent(nullptr);
    QObject::connect(process, &QProcess::finished, process, [process, directory, keepDirectory] {
        process->deleteLater();
        removeTreeInBackground(directory, keepDirectory, nullptr, {});
    });
}

void GitCheckout::setTimeoutMs(int ms) {
    m_timeoutMs = std::max(1, ms);
}

void GitCheckout::start(const QString &url, const QString &branch, const QString &directory) {
    if (m_state != State::Idle) {
        qCWarning(lcGit) << "GitCheckout::start() ignored: a clone is still running";
        return;
    }
    m_url = url;
    m_branch = branch;
    m_directory =
        directory.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(directory).absoluteFilePath());
    m_abortReason.clear();
    m_pendingErr.clear();
    m_pendingOut.clear();
    m_stderrTail.clear();
    m_logOutput.clear();
    m_commit = {};

    QString refusal = refusalFor(url, branch, directory);
    const QFileInfo target(m_directory);
    m_dirExisted = target.exists();
    if (refusal.isEmpty() && (target.exists() || target.isSymLink())) {
        if (!target.isDir())
            refusal = QStringLiteral("Target exists and is not a directory: %1").arg(m_directory);
        else if (!QDir(m_directory)
                      .isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden |
                               QDir::System))
            refusal = QStringLiteral("Target directory is not empty: %1").arg(m_directory);
    }
    if (!refusal.isEmpty()) {
        // Nothing was created, so nothing may be removed: the directory may be someone's data.
        m_state = State::Cleaning;
        finishLater(false, refusal);
        return;
    }

    m_state = State::Cloning;
    m_timer->start(m_timeoutMs);
    startProcess({QStringLiteral("-c"), QStringLiteral("protocol.ext.allow=never"),
                  QStringLiteral("-c"), QStringLiteral("protocol.fd.allow=never"),
                  QStringLiteral("clone"), QStringLiteral("--progress"),
                  QStringLiteral("--no-local"), QStringLiteral("--depth"), QStringLiteral("1"),
                  QStringLiteral("--single-branch"), QStringLiteral("--no-tags"),
                  QStringLiteral("--no-recurse-submodules"), QStringLiteral("--branch=") + branch,
                  QStringLiteral("--"), url, m_directory});
}

void GitCheckout::cancel() {
    abort(QStringLiteral("cancelled"));
}

void GitCheckout::startProcess(const QStringList &arguments) {
    auto *process = new QProcess(this);
    process->setProgram(QStringLiteral("git"));
    process->setArguments(arguments);
    process->setProcessEnvironment(gitEnvironment());
    process->setStandardInputFile(QProcess::nullDevice());
#ifdef Q_OS_UNIX
    // Own session: no controlling terminal for ssh to prompt on, and a process group that
    // killProcessGroup() can kill as a whole (git leaves index-pack, ssh, ... behind otherwise).
    process->setChildProcessModifier([] { ::setsid(); });
#endif
    connect(process, &QProcess::readyReadStandardError, this, [this] { onReadyRead(true); });
    connect(process, &QProcess::readyReadStandardOutput, this, [this] { onReadyRead(false); });
    connect(process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        onProcessFinished(exitCode, status == QProcess::CrashExit);
    });
    connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError e) {
        // Every other error is followed by finished().
        if (e == QProcess::FailedToStart)
            onFailedToStart(process->errorString());
    });
    m_process = process;
    process->start();
}

void GitCheckout::abort(const QString &reason) {
    if ((m_state != State::Cloning && m_state != State::ReadingCommit) || !m_abortReason.isEmpty())
        return;
    m_abortReason = reason;
    // finished(false, reason) follows from onProcessFinished(), once git is really gone: removing
    // the directory while git still writes into it would leave debris.
    killProcessGroup(m_process);
}

void GitCheckout::onReadyRead(bool fromStderr) {
    if (!m_process)
        return;
    if (fromStderr) {
        m_pendingErr += m_process->readAllStandardError();
        consumeLines(m_pendingErr, false, true);
    } else if (m_state == State::ReadingCommit) {
        const QByteArray data = m_process->readAllStandardOutput();
        m_logOutput += data.left(std::max<qsizetype>(0, kMaxLogOutputBytes - m_logOutput.size()));
    } else {
        m_pendingOut += m_process->readAllStandardOutput();
        consumeLines(m_pendingOut, false, false);
    }
}

// Splits at '\n', '\r\n' and a lone '\r' (git redraws its progress lines with '\r'). Only lines
// that end with '\n' are kept for the error message: the '\r' ones are progress, not verdicts.
void GitCheckout::consumeLines(QByteArray &pending, bool final, bool fromStderr) {
    const bool clone = m_state == State::Cloning;
    const auto deliver = [&](QByteArrayView line, bool complete) {
        while (!line.isEmpty() && (line.back() == ' ' || line.back() == '\t'))
            line.chop(1);
        if (line.isEmpty())
            return;
        if (clone)
            emit progress(QString::fromUtf8(line));
        if (fromStderr && complete)
            keepStderrLine(line);
    };

    qsizetype start = 0;
    for (qsizetype i = 0; i < pending.size(); ++i) {
        const char c = pending.at(i);
        if (c == '\n') {
            deliver(QByteArrayView(pending).sliced(start, i - start), true);
            start = i + 1;
        } else if (c == '\r') {
            if (i + 1 == pending.size() && !final)
                break; // might be the first half of "\r\n"
            const bool crlf = i + 1 < pending.size() && pending.at(i + 1) == '\n';
            deliver(QByteArrayView(pending).sliced(start, i - start), crlf);
            if (crlf)
                ++i;
            start = i + 1;
        }
    }
    pending.remove(0, start);
    // An endless line (a hostile remote) must not grow without bound.
    if (final || pending.size() > kMaxStderrBytes) {
        deliver(pending, true);
        pending.clear();
    }
}

void GitCheckout::keepStderrLine(QByteArrayView line) {
    m_stderrTail.append(line.first(std::min(line.size(), kMaxStderrBytes - 1))).append('\n');
    if (m_stderrTail.size() > kMaxStderrBytes) {
        // Keep the tail, from a line start: git's verdict comes last.
        const qsizetype cut = m_stderrTail.indexOf('\n', m_stderrTail.size() - kMaxStderrBytes);
        m_stderrTail.remove(0, cut + 1);
    }
}

void GitCheckout::onFailedToStart(const QString &why) {
    if (m_process) {
        m_process->disconnect(this);
        m_process->deleteLater();
        m_process = nullptr;
    }
    if (!m_abortReason.isEmpty())
        failAndClean(m_abortReason);
    else
        failAndClean(QStringLiteral("git clone failed: could not run git (%1)").arg(why));
}

void GitCheckout::onProcessFinished(int exitCode, bool crashed) {
    if (!m_process)
        return;
    onReadyRead(true);
    onReadyRead(false);
    consumeLines(m_pendingErr, true, true);
    if (m_state == State::Cloning)
        consumeLines(m_pendingOut, true, false);
    m_process->disconnect(this);
    m_process->deleteLater();
    m_process = nullptr;

    if (!m_abortReason.isEmpty()) {
        failAndClean(m_abortReason);
        return;
    }
    const QString stderrText = QString::fromUtf8(m_stderrTail);

    if (m_state == State::Cloning) {
        if (crashed || exitCode != 0) {
            failAndClean(
                describeCloneFailure(m_url, m_branch, crashed ? -1 : exitCode, stderrText));
            return;
        }
        m_state = State::ReadingCommit;
        m_stderrTail.clear();
        startProcess({QStringLiteral("-C"), m_directory, QStringLiteral("-c"),
                      QStringLiteral("log.showSignature=false"), QStringLiteral("log"),
                      QStringLiteral("-1"), QStringLiteral("--format=%H%x00%s%x00%an <%ae>")});
        return;
    }

    // ReadingCommit: "<hash>\0<subject>\0<author>\n".
    const QList<QByteArray> fields = m_logOutput.split('\0');
    static const QRegularExpression hexHash(QStringLiteral("^[0-9a-f]{40}([0-9a-f]{24})?$"));
    if (crashed || exitCode != 0 || fields.size() != 3 ||
        !hexHash.match(QString::fromLatin1(fields.at(0))).hasMatch()) {
        failAndClean(QStringLiteral("Could not read the cloned commit: %1")
                         .arg(gitVerdict(crashed ? -1 : exitCode, stderrText)));
        return;
    }
    m_commit.hash = QString::fromLatin1(fields.at(0));
    m_commit.message = QString::fromUtf8(fields.at(1));
    m_commit.author = QString::fromUtf8(fields.at(2)).trimmed();
    m_timer->stop();
    m_state = State::Idle;
    emit finished(true, QString());
}

void GitCheckout::failAndClean(const QString &message) {
    m_timer->stop();
    m_state = State::Cleaning;
    m_commit = {};
    removeTreeInBackground(m_directory, m_dirExisted, this, [this, message] {
        m_state = State::Idle;
        emit finished(false, message);
    });
}

void GitCheckout::finishLater(bool ok, const QString &message) {
    QMetaObject::invokeMethod(
        this,
        [this, ok, message] {
            m_state = State::Idle;
            emit finished(ok, message);
        },
        Qt::QueuedConnection);
}

} // namespace mist::deploy
