// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

namespace mist::client {

class ServerSession;
class StreamConnection;

// One fired or resolved alert: the `data` of a /ws/alerts message, an entry
// of GET /api/alerts (docs/ALERTS.md).
struct AlertEntry {
    qint64 id = 0;
    std::optional<qint64> ruleId;
    std::optional<qint64> appId;
    QString state; // firing | resolved
    QString severity;
    QString title;
    QString message;
    QString since; // as the server wrote it (ISO 8601, UTC)

    // What fires and resolves together: the rule, and the app for a rule
    // about several apps. Alerts without a rule (a test) are their own.
    QString conditionKey() const;
    bool firing() const { return state == u"firing"; }
};

// The object as an entry; fails naming the field that is missing or wrong
// ("Invalid alert: id"). Pure: tests/client/tst_alertfeed.cpp has the rows.
Expected<AlertEntry> parseAlert(const QJsonObject &data);

// One server's alerts for a desktop or another client: the newest MaxKept
// of GET /api/alerts, kept current by /ws/alerts (and read again after each
// reconnect, so nothing fired while the socket was down is missed). What is
// firing now is, per condition, the newest entry when it says `firing`.
// Against an upstream Mist server (no alerts) it stays empty and says so.
class AlertFeed : public QObject {
    Q_OBJECT
public:
    static constexpr int MaxKept = 500;

    explicit AlertFeed(ServerSession *session, QObject *parent = nullptr);
    ~AlertFeed() override;

    void start();
    ServerSession *session() const;
    // Newest first.
    const QList<AlertEntry> &alerts() const { return m_alerts; }
    QList<AlertEntry> firingNow() const;
    // Why the feed has nothing (new) to show; the window words it.
    enum class Problem { None, Upstream, Unavailable };
    Problem problem() const { return m_problem; }
    // Unavailable: the server's or the connection's reason.
    QString problemDetail() const { return m_problemDetail; }

Q_SIGNALS:
    void changed();
    // A firing alert that came live (not one read from the list).
    void fired(const mist::client::AlertEntry &alert);

private:
    void reload();
    void onMessage(const QJsonObject &message);
    void insert(const AlertEntry &entry);

    QPointer<ServerSession> m_session;
    QPointer<StreamConnection> m_stream;
    QList<AlertEntry> m_alerts;
    Problem m_problem = Problem::None;
    QString m_problemDetail;
};

} // namespace mist::client
