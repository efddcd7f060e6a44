// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QDialog>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QString>

#include <memory>
#include <optional>

namespace Ui {
class AlertRuleDialog;
}

namespace mist::client {
class ServerSession;
}

namespace mist::gui {

// "New alert rule…" (docs/ALERTS.md, "Desktop"): a metric, event or log rule for the host or
// one of its apps, with its severity, cooldown and channels, saved with POST
// /api/alerts/rules; the server's refusal ("Invalid threshold") is shown and the dialog stays.
// "Test against the last hour" replays a metric rule over the host's or the app's recorded
// history (alerts::backtest, the server's own evaluator) before it is saved: "This rule would
// have fired 3 times in the last hour".
class AlertRuleDialog : public QDialog {
    Q_OBJECT
public:
    struct AppChoice {
        qint64 id = 0;
        QString name;
    };
    // `appId`: the app chosen at first (none: the host).
    AlertRuleDialog(client::ServerSession *session, const QList<AppChoice> &apps,
                    std::optional<qint64> appId, QWidget *parent = nullptr);
    ~AlertRuleDialog() override;

    QJsonObject body() const; // the POST /api/alerts/rules body
    void testAgainstHistory();
    void save();

    // Read-outs for tests and screenshots.
    QString testResultText() const;
    QString messageText() const;
    bool testing() const { return m_testing; }

Q_SIGNALS:
    void ruleSaved(qint64 id, const QString &name);
    void tested(); // the test's answer is shown

private:
    void fillChoices(const QList<AppChoice> &apps, std::optional<qint64> appId);
    void fillFields();
    void fillEvents();
    void loadChannels();
    void updateKind();
    void setMessage(const QString &text);
    void showTestResult(const QString &text);
    std::optional<qint64> appId() const;

    std::unique_ptr<Ui::AlertRuleDialog> m_ui;
    QPointer<client::ServerSession> m_session;
    int m_generation = 0; // a test's answer for a rule changed since is dropped
    bool m_testing = false;
};

} // namespace mist::gui
