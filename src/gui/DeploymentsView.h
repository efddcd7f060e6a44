// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QJsonObject>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace Ui {
class DeploymentsView;
}

namespace mist::client {
class ServerSession;
class StreamConnection;
} // namespace mist::client

namespace mist::gui {

class LogView;

// Deployments of one app: the list (status, commit, duration), a Deploy
// button, and for the selected deployment a progress bar, the five stages as
// a stepper with the current one highlighted, the live build log and the
// error message on failure.
class DeploymentsView : public QWidget {
    Q_OBJECT
public:
    static const QStringList &stages(); // cloning_repo ... completed

    explicit DeploymentsView(QWidget *parent = nullptr);
    ~DeploymentsView() override;

    void setSession(client::ServerSession *session);
    // The app whose deployments are shown; only git apps can be deployed.
    void setApp(qint64 appId, const QString &name, bool deployable);
    void refresh();
    void deploy();
    void watch(qint64 deploymentId);

    // Read-outs for tests and screenshots.
    QProgressBar *progressBar() const;
    QPushButton *deployButton() const;
    QTableWidget *table() const;
    LogView *logView() const;
    QString currentStage() const { return m_stage; }
    QString currentStatus() const { return m_status; }
    // One word per stage: "done", "current", "failed" or "todo".
    QStringList stepStates() const;
    QString errorText() const;
    // A deployment's duration as the list shows it: "< 1 s", "42 s", "3 min 5 s" (the server
    // keeps whole seconds).
    static QString durationText(qint64 ms);
    // The status word as shown (translated): "success", "failed", "building", ...
    static QString statusText(const QString &status);

Q_SIGNALS:
    void deploymentFinished(qint64 deploymentId, bool success, const QString &message);

private:
    void onMessage(const QJsonObject &message);
    void showStatus(const QJsonObject &data);
    void updateStepper();
    void showBar();
    void tickDurations(); // rows of running deployments count up

    QPointer<client::ServerSession> m_session;
    QPointer<client::StreamConnection> m_stream;
    qint64 m_appId = 0;
    qint64 m_watched = 0;
    QString m_stage;
    QString m_status;
    QString m_message; // the last status message, on the bar
    std::unique_ptr<Ui::DeploymentsView> m_ui;
    QList<QLabel *> m_steps; // one per stage, made from stages()
    QTimer m_tick;           // once a second while a listed deployment runs
};

} // namespace mist::gui
