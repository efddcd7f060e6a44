// SPDX-License-Identifier: GPL-3.0-or-later

#include "Store.h"

namespace mist::store {

Store::Store()
    : m_users(m_db)
    , m_projects(m_db, m_users)
    , m_apps(m_db, m_projects)
    , m_sessions(m_db, m_users)
    , m_apiTokens(m_db, m_sessions)
    , m_alerts(m_db) {}

} // namespace mist::store
