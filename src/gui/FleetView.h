// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QWidget>

#include <memory>

class QChartView;
class QLabel;
class QLineSeries;

namespace Ui {
class FleetView;
}

namespace mist::client {
class ServerSession;
class StreamConnection;
} // namespace mist::client

namespace mist::gui {

// Every host the window has connected to, live at the same time: one card
// per host with its state (connected, reconnecting, sign-in refused), its
// latest CPU/memory/disk figures, its three busiest apps, a small chart of the last
// two minutes on a time axis, and the fleet's totals. Each host has its own session and metrics
// stream, so one that goes down never stalls the others; it comes back by itself. "Open" on a card
// shows that host's apps, logs, deployments and charts in the other tabs.
class FleetView : public QWidget {
    Q_OBJECT
public:
    explicit FleetView(QWidget *parent = nullptr);
    ~FleetView() override;

    // Adds a host from a signed-in session (copied: the view keeps its own,
    // so the window may drop the one it shows). A host already present (same
    // server URL) is not added twice. Returns the host's index.
    int addHost(const client::ServerSession &session, const QString &label);
    int hostCount() const { return int(m_hosts.size()); }

    // For tests and screenshots.
    QString hostState(int i) const; // "connected", "reconnecting…", "sign-in refused: …"
    int samplesReceived(int i) const;
    bool hostLive(int i) const; // connected and a sample within the last 5 s
    // Connected, and the host's last sample said "docker": null (not for upstream Mist, which
    // reports no engine figures): its card says "Docker engine unreachable".
    bool engineDown(int i) const;
    QString totalsText() const;
    // The host's apps by engine state ("running" -> 2; empty: no container), shown on its card
    // as the sidebar's badges (StateBadge.h) with counts, worst first.
    void setAppStates(int i, const QMap<QString, int> &counts);
    QString appStatesText(int i) const; // the card's line as plain text
    // The host's apps by CPU now (name, percent of one core; apps without a running container
    // left out): the card names the three busiest, "Top CPU: web 61.0 %, worker 22.0 %, db
    // 3.0 %", so the fleet answers which app eats which host.
    void setTopApps(int i, const QList<QPair<QString, double>> &cpuByApp);
    QString topAppsText(int i) const;
    // The line for a list (pure): the three largest, largest first; empty for none.
    static QString topAppsLine(QList<QPair<QString, double>> cpuByApp);

Q_SIGNALS:
    // "Open" on a host's card: a fresh copy of its session.
    void openRequested(mist::client::ServerSession *session, const QString &label);
    // hostState(index) changed (the window's sidebar shows it too).
    void hostStateChanged(int index);

private:
    struct Host;
    void makeChart(Host &host, QChartView *view);
    void onSample(Host &host, const QJsonObject &sample);
    void updateState(Host &host);
    void updateTotals();

    std::unique_ptr<Ui::FleetView> m_ui;
    QList<Host *> m_hosts;
};

} // namespace mist::gui
