// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The `cloning_repo` stage of a deployment: a shallow clone of one branch with the real `git`
// executable, driven by the Qt event loop (QProcess signals only; nothing here waits on git).
//
// What is run (never through a shell; user input only ever appears after `--`):
//   git -c protocol.ext.allow=never -c protocol.fd.allow=never clone --progress --no-local
//       --depth 1 --single-branch --no-tags --no-recurse-submodules --branch=<branch>
//       -- <url> <directory>
//   git -C <directory> -c log.showSignature=false log -1 --format=%H%x00%s%x00%an <%ae>
// --no-local: without it git silently ignores --depth for plain paths (and hard-links the
// source's objects instead of copying them through upload-pack).
//
// Environment: the server's own, so that an operator's ~/.gitconfig, credential helpers, proxy
// and SSH keys keep working, plus GIT_TERMINAL_PROMPT=0, GIT_ASKPASS=/bin/true,
// SSH_ASKPASS_REQUIRE=never (nothing may ever wait for a password), LC_ALL=C (English messages
// for describeCloneFailure), and without the GIT_DIR family (a server started from inside a
// repository must not clone into that one). On Unix git runs in its own session: no
// controlling terminal for ssh to prompt on, and cancel() can kill the whole process group
// (git's helpers such as index-pack and ssh), not only `git` itself.
//
// Refused before anything runs: empty url/branch/directory, a url or branch starting with '-',
// the `ext::` and `fd::` transports (command execution / raw file descriptors), control
// characters, and a directory that exists and is not an empty directory.
//
// On any failure after git started (including cancel() and the timeout), what the clone created
// is removed before finished() is emitted: the directory itself if it did not exist before, or
// only its contents if it existed (empty). The removal runs on a worker thread, because a
// half-cloned tree may hold tens of thousands of files. Missing parent directories that git
// created are left in place.
//
// finished() is emitted exactly once per start(), always later from the event loop (never from
// inside start() or cancel()), and not from the destructor (which still kills git and, once the
// event loop has seen it die, removes the half-made checkout). Not thread-safe; use from the
// thread the object lives in.

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>
#include <QString>
#include <QStringList>

class QProcess;
class QTimer;

namespace mist::deploy {

struct CommitInfo {
    QString hash;    // full object name (40 hex digits; 64 in SHA-256 repositories)
    QString message; // subject line
    QString author;  // "Name <email>"
    bool isValid() const { return !hash.isEmpty(); }
};

class GitCheckout : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultTimeoutMs = 5 * 60 * 1000;
    // Bytes of git's stderr kept for the error message (the tail: git's verdict comes last).
    static constexpr qsizetype kMaxStderrBytes = 64 * 1024;

    explicit GitCheckout(QObject *parent = nullptr);
    ~GitCheckout() override; // kills a running git (and its helpers); emits nothing

    // Shallow-clones `branch` of `url` (depth 1, single branch, no tags, no submodules) into
    // `directory` (must not exist or be empty). Ignored with a warning while a clone is running.
    void start(const QString &url, const QString &branch, const QString &directory);
    // Kills git; emits finished(false, "cancelled") once it is gone and the directory removed.
    // No effect when nothing is running or the outcome is already decided.
    void cancel();
    // Whole operation (clone and reading the commit), from start(). Default 5 minutes; on expiry
    // finished(false, "git clone timed out after N s"). Takes effect at the next start().
    void setTimeoutMs(int ms);
    int timeoutMs() const { return m_timeoutMs; }

    bool isRunning() const { return m_state != State::Idle; }
    CommitInfo commit() const { return m_commit; } // valid after finished(true, ...)

signals:
    // git's stderr/stdout lines as they arrive, for the build log. Progress updates that git ends
    // with '\r' are separate lines too; empty lines are skipped.
    void progress(const QString &line);
    void finished(bool ok, const QString &errorMessage);

private:
    enum class State { Idle, Cloning, ReadingCommit, Cleaning };

    void startProcess(const QStringList &arguments);
    void onReadyRead(bool fromStderr);
    void onProcessFinished(int exitCode, bool crashed);
    void onFailedToStart(const QString &why);
    void abort(const QString &reason);
    void consumeLines(QByteArray &pending, bool final, bool fromStderr);
    void keepStderrLine(QByteArrayView line);
    void finishLater(bool ok, const QString &message);
    void failAndClean(const QString &message);

    State m_state = State::Idle;
    int m_timeoutMs = kDefaultTimeoutMs;
    QString m_url;
    QString m_branch;
    QString m_directory; // absolute
    bool m_dirExisted = false;
    QString m_abortReason; // set by cancel()/timeout: overrides what git's exit would say
    QProcess *m_process = nullptr;
    QTimer *m_timer = nullptr;
    QByteArray m_pendingErr; // bytes after the last line break, per channel
    QByteArray m_pendingOut;
    QByteArray m_stderrTail; // complete lines, at most kMaxStderrBytes
    QByteArray m_logOutput;  // stdout of `git log`
    CommitInfo m_commit;
};

// Pure: turns git's stderr and exit code into a precise error message for a deployment's
// error_message, e.g. "Repository not found or unreachable: <url>", "Branch 'x' not found in
// <url>", "Authentication failed for <url>", "git clone failed: <git's last error line>".
// A password in the url is shown as "***".
// The URL with any password or token replaced by *** (for logs and answers).
QString redactUrl(const QString &url);

QString describeCloneFailure(const QString &url, const QString &branch, int exitCode,
                             const QString &stderrText);

} // namespace mist::deploy
