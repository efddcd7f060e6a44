// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Alerts.h"
#include "ApiTokens.h"
#include "Apps.h"
#include "Database.h"
#include "Projects.h"
#include "Sessions.h"
#include "Types.h"
#include "Users.h"
#include "Validation.h"

#include "base/Expected.h"

#include <QString>

namespace mist::store {

// The server's persistent state in one SQLite file, <dataDir>/mist.db: one
// database handle and one table class per aggregate over it, reached as
// store.users(), store.projects(), store.apps(), store.sessions(),
// store.apiTokens(). Deployments live in the same file (DeploymentStore,
// over database()). Input rules are in Validation.h, file modes in
// FileModes.h.
//
// Use one Store from one thread (Qt SQL connections are per thread). Several
// Stores, also in several processes (server plus an operator command), may
// share one data directory: WAL mode and a busy timeout let them take turns.
//
// Methods that can fail return mist::Expected with the reason; lookups
// return Expected<std::optional<T>>, so "not found" and "the database
// failed" stay apart. A caller that treats a failure as "nothing" says so
// with orLogged() (Database.h), which logs it.
class Store {
public:
    Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // Creates dataDir (mode 0700; an existing one is tightened to 0700) and
    // mist.db (mode 0600), then brings the schema up to date.
    Expected<void> open(const QString &dataDir) { return m_db.open(dataDir); }
    void close() { m_db.close(); }
    bool isOpen() const { return m_db.isOpen(); }
    QString databasePath() const { return m_db.path(); }
    // The Qt SQL connection name, for callers that need direct SQL access.
    QString connectionName() const { return m_db.connectionName(); }
    // The schema version of the open database (0 when closed).
    int schemaVersion() const { return m_db.schemaVersion(); }
    static int latestSchemaVersion() { return Database::latestSchemaVersion(); }

    Database &database() { return m_db; }
    Users &users() { return m_users; }
    Projects &projects() { return m_projects; }
    Apps &apps() { return m_apps; }
    Sessions &sessions() { return m_sessions; }
    ApiTokens &apiTokens() { return m_apiTokens; }
    Alerts &alerts() { return m_alerts; }

private:
    Database m_db;
    Users m_users;
    Projects m_projects;
    Apps m_apps;
    Sessions m_sessions;
    ApiTokens m_apiTokens;
    Alerts m_alerts;
};

} // namespace mist::store
