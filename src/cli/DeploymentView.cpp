// SPDX-License-Identifier: GPL-3.0-or-later

#include "DeploymentView.h"

namespace mist::cli {

bool DeploymentView::show(const QJsonObject &message) {
    const QString type = message.value(QStringLiteral("type")).toString();
    const QJsonObject data = message.value(QStringLiteral("data")).toObject();
    if (type == u"log") {
        if (!m_output.json)
            m_output.out << m_output.outPrefix << data.value(QStringLiteral("line")).toString()
                         << '\n';
        return true;
    }
    if (type == u"status") {
        m_status = data.value(QStringLiteral("status")).toString();
        if (!m_output.json)
            m_output.err << m_output.errPrefix << '[' << m_status << "] "
                         << data.value(QStringLiteral("stage")).toString() << ' '
                         << data.value(QStringLiteral("progress")).toInt() << "% "
                         << data.value(QStringLiteral("message")).toString() << '\n';
    } else if (type == u"error") {
        m_error = data.value(QStringLiteral("message")).toString();
    }
    return false;
}

int DeploymentView::ended() {
    const bool success = m_status == u"success";
    m_output.err << m_output.errPrefix << "deployment " << m_deploymentId
                 << (success ? " succeeded" : " failed")
                 << (success || m_error.isEmpty() ? QString() : QStringLiteral(": ") + m_error)
                 << '\n';
    m_output.err.flush();
    return success ? ExitOk : ExitFailure;
}

} // namespace mist::cli
