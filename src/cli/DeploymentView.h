// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "StreamFollower.h"

namespace mist::cli {

// A deployment's socket as `deployment` and `deploy` show it: build and
// deploy lines on stdout, each status ("[building] building_image 42% ...")
// on stderr, and at the end "deployment N succeeded" (exit 0) or "deployment
// N failed: <error>" (exit 1).
class DeploymentView : public StreamView {
public:
    DeploymentView(const HostOutput &output, qint64 deploymentId)
        : m_output(output)
        , m_deploymentId(deploymentId) {}

    bool show(const QJsonObject &message) override;
    int ended() override;

private:
    const HostOutput &m_output;
    qint64 m_deploymentId;
    QString m_status; // the last status
    QString m_error;  // the `error` message, told with the outcome
};

} // namespace mist::cli
