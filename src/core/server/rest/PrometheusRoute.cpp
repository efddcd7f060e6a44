// SPDX-License-Identifier: GPL-3.0-or-later

#include "Routes.h"

#include <QStringList>

namespace mist::server {

namespace {
class Exposition {
public:
    void metric(const char *name, const char *type, const char *help) {
        m_out += QStringLiteral("# HELP %1 %2\n# TYPE %1 %3\n")
                     .arg(QLatin1String(name), QLatin1String(help), QLatin1String(type));
    }
    void sample(const char *name, double value, const QString &labels = {}) {
        m_out += QLatin1String(name);
        if (!labels.isEmpty())
            m_out += u'{' + labels + u'}';
        m_out += u' ' + QString::number(value, 'g', 17) + u'\n';
    }
    QByteArray bytes() const { return m_out.toUtf8(); }

private:
    QString m_out;
};

QString label(const char *name, const QString &value) {
    QString escaped = value;
    escaped.replace(u'\\', QStringLiteral("\\\\"))
        .replace(u'"', QStringLiteral("\\\""))
        .replace(u'\n', QStringLiteral("\\n"));
    return QStringLiteral("%1=\"%2\"").arg(QLatin1String(name), escaped);
}

// A figure of every app that has it (a path into its /ws/apps/stats object); apps without it
// (no running container) have no sample.
void appSeries(Exposition &e, const QList<QJsonObject> &apps, const char *name, const char *type,
               const char *help, const char *group, const char *field) {
    e.metric(name, type, help);
    for (const QJsonObject &app : apps) {
        const QJsonValue v =
            group ? app.value(QLatin1String(group)).toObject().value(QLatin1String(field))
                  : app.value(QLatin1String(field));
        if (!v.isDouble())
            continue;
        e.sample(name, v.toDouble(),
                 label("app", app.value(QStringLiteral("name")).toString()) + u',' +
                     label("project", app.value(QStringLiteral("project")).toString()));
    }
}

// Per-app series, labelled app and project (docs/APP-STATS.md, "Prometheus").
void appsExposition(Exposition &e, const QList<QJsonObject> &apps) {
    e.metric("mist_app_running", "gauge", "1 when the app's container runs, else 0.");
    for (const QJsonObject &app : apps)
        e.sample("mist_app_running",
                 app.value(QStringLiteral("state")).toString() == u"running" ? 1 : 0,
                 label("app", app.value(QStringLiteral("name")).toString()) + u',' +
                     label("project", app.value(QStringLiteral("project")).toString()));
    appSeries(e, apps, "mist_app_cpu_percent", "gauge",
              "CPU use of the app's container over the last second, percent of one core.", "cpu",
              "percent");
    appSeries(e, apps, "mist_app_memory_used_bytes", "gauge",
              "Memory in use (usage minus inactive file cache), as docker stats.", "memory",
              "used");
    appSeries(e, apps, "mist_app_memory_limit_bytes", "gauge",
              "The container's memory limit, or the host's memory without one.", "memory", "limit");
    appSeries(e, apps, "mist_app_network_receive_bytes_total", "counter",
              "Bytes received by the container's interfaces (loopback left out).", "network",
              "rxBytes");
    appSeries(e, apps, "mist_app_network_transmit_bytes_total", "counter",
              "Bytes sent by the container's interfaces (loopback left out).", "network",
              "txBytes");
    appSeries(e, apps, "mist_app_blockio_read_bytes_total", "counter",
              "Bytes read from block devices by the container.", "blockio", "readBytes");
    appSeries(e, apps, "mist_app_blockio_write_bytes_total", "counter",
              "Bytes written to block devices by the container.", "blockio", "writeBytes");
    appSeries(e, apps, "mist_app_pids", "gauge", "Processes and threads in the container.", nullptr,
              "pids");
    appSeries(e, apps, "mist_app_restarts", "gauge",
              "The container's restart count (the engine's RestartCount).", nullptr, "restarts");
}
} // namespace

void registerPrometheusRoute(RestRouter &router, std::function<PrometheusSnapshot()> snapshot) {
    router.add(
        "GET", QStringLiteral("/metrics"), RestRouter::Access::SignedIn,
        [snapshot = std::move(snapshot)](RestContext &ctx) {
            if (ctx.user->role == store::Role::User) {
                ctx.respond(http::HttpResponse::fail(403, QStringLiteral("Permission denied")));
                return;
            }
            const PrometheusSnapshot s = snapshot();
            Exposition e;
            const QJsonObject cpu = s.host.value(QStringLiteral("cpu")).toObject();
            const QJsonObject memory = s.host.value(QStringLiteral("memory")).toObject();
            const QJsonObject disk = s.host.value(QStringLiteral("disk")).toObject();
            e.metric("mist_host_cpu_usage_percent", "gauge",
                     "CPU use of all cores over the last second, as /ws/metrics sends it.");
            e.sample("mist_host_cpu_usage_percent", cpu.value(QStringLiteral("usage")).toDouble());
            e.metric("mist_host_cpu_cores", "gauge", "Online CPUs.");
            e.sample("mist_host_cpu_cores", cpu.value(QStringLiteral("cores")).toDouble());
            e.metric("mist_host_memory_used_bytes", "gauge", "MemTotal - MemAvailable.");
            e.sample("mist_host_memory_used_bytes",
                     memory.value(QStringLiteral("used")).toDouble());
            e.metric("mist_host_memory_total_bytes", "gauge", "MemTotal.");
            e.sample("mist_host_memory_total_bytes",
                     memory.value(QStringLiteral("total")).toDouble());
            e.metric("mist_host_disk_used_bytes", "gauge",
                     "Used space of the data directory's filesystem.");
            e.sample("mist_host_disk_used_bytes", disk.value(QStringLiteral("used")).toDouble());
            e.metric("mist_host_disk_total_bytes", "gauge",
                     "Size of the data directory's filesystem.");
            e.sample("mist_host_disk_total_bytes", disk.value(QStringLiteral("total")).toDouble());
            const QJsonValue docker = s.host.value(QStringLiteral("docker"));
            e.metric("mist_docker_up", "gauge",
                     "1 when the Docker engine answered the last /info.");
            e.sample("mist_docker_up", docker.isObject() ? 1 : 0);
            if (docker.isObject()) {
                const QJsonObject d = docker.toObject();
                e.metric("mist_docker_containers", "gauge", "Containers by state.");
                e.sample("mist_docker_containers",
                         d.value(QStringLiteral("containers_running")).toDouble(),
                         label("state", QStringLiteral("running")));
                e.sample("mist_docker_containers",
                         d.value(QStringLiteral("containers_total")).toDouble(),
                         label("state", QStringLiteral("all")));
                e.metric("mist_docker_images", "gauge", "Images.");
                e.sample("mist_docker_images", d.value(QStringLiteral("images")).toDouble());
            }
            e.metric("mist_websocket_clients", "gauge", "Connected WebSocket clients by endpoint.");
            for (auto it = s.clients.constBegin(); it != s.clients.constEnd(); ++it)
                e.sample("mist_websocket_clients", it.value().toDouble(),
                         label("endpoint", it.key()));
            e.metric(
                "mist_log_lines_relayed_total", "counter",
                "Container log lines relayed to viewers (each line once, however many viewers).");
            e.sample("mist_log_lines_relayed_total", double(s.linesRelayed));
            e.metric("mist_engine_log_streams", "gauge",
                     "Engine streams open (log follow streams and builds).");
            e.sample("mist_engine_log_streams", s.engineStreamsOpen);
            e.metric("mist_engine_streams_opened_total", "counter", "Engine streams ever opened.");
            e.sample("mist_engine_streams_opened_total", double(s.engineStreamsOpened));
            e.metric("mist_deployments", "gauge", "Deployments by status.");
            for (const char *status : {"pending", "building", "deploying", "success", "failed"})
                e.sample("mist_deployments", double(s.deployments.value(QLatin1String(status))),
                         label("status", QLatin1String(status)));
            e.metric("mist_http_responses_total", "counter",
                     "HTTP answers by status code (101: WebSocket upgrades).");
            QList<int> codes = s.httpAnswers.keys();
            std::sort(codes.begin(), codes.end());
            for (int code : codes)
                e.sample("mist_http_responses_total", double(s.httpAnswers.value(code)),
                         label("code", QString::number(code)));
            appsExposition(e, s.apps);
            http::HttpResponse response;
            response.status = 200;
            response.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            response.body = e.bytes();
            ctx.respond(response);
        });
}

} // namespace mist::server
