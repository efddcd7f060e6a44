// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QUrl>
#include <QWidget>

#include <memory>

class QPushButton;
class QTableWidget;

namespace Ui {
class AlertsView;
}

namespace mist::client {
class AlertFeed;
class ServerSession;
struct AlertEntry;
} // namespace mist::client

namespace mist::gui {

// The Alerts tab (docs/ALERTS.md, "Desktop"): what fires now on every
// connected host, and the history of fired and resolved alerts, kept live by
// each host's /ws/alerts. Firing alerts can be acknowledged on this desktop
// (remembered in the settings): they stay listed but stop counting in the
// tab's title and the notifications' badge. A firing alert that arrives live
// emits alertFired(), which the window turns into a system notification.
class AlertsView : public QWidget {
    Q_OBJECT
public:
    explicit AlertsView(QWidget *parent = nullptr);
    ~AlertsView() override;

    // Follows `session`'s alerts under `label`; a new session for the same
    // server (a reconnect) replaces the old one.
    void addHost(client::ServerSession *session, const QString &label);
    // Firing, not acknowledged, over all hosts.
    int unacknowledgedCount() const;
    // Firing and not acknowledged for one host (by its server URL).
    int unacknowledgedCount(const QUrl &server) const;
    // The same per app of that host, by app id (apps without any are left out).
    QHash<qint64, int> unacknowledgedByApp(const QUrl &server) const;
    void acknowledgeSelected();
    void acknowledgeAll();

    // Read-outs for tests and screenshots.
    QTableWidget *firingTable() const;
    QTableWidget *historyTable() const;
    QPushButton *acknowledgeButton() const;
    QString summaryText() const;
    // The text a severity shows ("critical" -> translated word).
    static QString severityText(const QString &severity);

Q_SIGNALS:
    void alertFired(const QString &hostLabel, const mist::client::AlertEntry &alert);
    void unacknowledgedChanged(int count);
    void newRuleRequested(); // "New rule…"

private:
    struct Host {
        client::AlertFeed *feed = nullptr;
        QString label;
    };
    void rebuild();
    void fillFiring();
    void fillHistory();
    void acknowledge(const QStringList &keys);
    static QString ackKey(const QUrl &server, qint64 alertId);

    std::unique_ptr<Ui::AlertsView> m_ui;
    QHash<QString, Host> m_hosts; // by server URL
    QSet<QString> m_acknowledged;
};

} // namespace mist::gui
