// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertRuleDialog.h"

#include "AlertsView.h"

#include "alerts/AlertBacktest.h"
#include "alerts/AlertRules.h"
#include "client/ServerSession.h"

#include "ui_AlertRuleDialog.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>
#include <QPushButton>

namespace mist::gui {

namespace {
constexpr int HourSeconds = 3600;

QString fieldText(const QString &field) {
    if (field == u"cpu.usage" || field == u"cpu.percent")
        return AlertRuleDialog::tr("CPU (%)");
    if (field == u"memory.percent")
        return AlertRuleDialog::tr("Memory (%)");
    if (field == u"disk.percent")
        return AlertRuleDialog::tr("Disk (%)");
    return field;
}

QString eventText(const QString &event) {
    static const QHash<QString, const char *> words = {
        {QStringLiteral("container_died"),
         QT_TRANSLATE_NOOP("mist::gui::AlertRuleDialog", "Container died")},
        {QStringLiteral("oom"),
         QT_TRANSLATE_NOOP("mist::gui::AlertRuleDialog", "Killed for lack of memory (OOM)")},
        {QStringLiteral("restart_loop"),
         QT_TRANSLATE_NOOP("mist::gui::AlertRuleDialog", "Restart loop")},
        {QStringLiteral("unhealthy"),
         QT_TRANSLATE_NOOP("mist::gui::AlertRuleDialog", "Health check failing")},
        {QStringLiteral("deployment_failed"),
         QT_TRANSLATE_NOOP("mist::gui::AlertRuleDialog", "Deployment failed")},
        {QStringLiteral("deployment_succeeded"),
         QT_TRANSLATE_NOOP("mist::gui::AlertRuleDialog", "Deployment succeeded")},
        {QStringLiteral("engine_down"),
         QT_TRANSLATE_NOOP("mist::gui::AlertRuleDialog", "Docker engine unreachable")},
    };
    const char *word = words.value(event);
    return word ? AlertRuleDialog::tr(word) : event;
}
} // namespace

AlertRuleDialog::AlertRuleDialog(client::ServerSession *session, const QList<AppChoice> &apps,
                                 std::optional<qint64> appId, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::AlertRuleDialog>())
    , m_session(session) {
    m_ui->setupUi(this);
    m_ui->kind->addItem(tr("Metric over or under a threshold"), QStringLiteral("metric"));
    m_ui->kind->addItem(tr("Event"), QStringLiteral("event"));
    m_ui->kind->addItem(tr("Log lines matching a pattern"), QStringLiteral("log"));
    m_ui->op->addItem(tr("above"), QStringLiteral(">"));
    m_ui->op->addItem(tr("below"), QStringLiteral("<"));
    for (const QString &s : alerts::severities())
        m_ui->severity->addItem(AlertsView::severityText(s), s);
    m_ui->severity->setCurrentIndex(m_ui->severity->findData(QStringLiteral("warning")));
    m_ui->cooldown->setValue(int(alerts::DefaultCooldownSeconds));
    fillChoices(apps, appId);
    loadChannels();

    const auto changed = [this] {
        ++m_generation; // an answer under way is for the rule as it was
        showTestResult(QString());
    };
    connect(m_ui->subject, &QComboBox::currentIndexChanged, this, [this, changed] {
        fillFields();
        fillEvents();
        changed();
    });
    connect(m_ui->kind, &QComboBox::currentIndexChanged, this, [this, changed] {
        updateKind();
        changed();
    });
    connect(m_ui->event, &QComboBox::currentIndexChanged, this, &AlertRuleDialog::updateKind);
    for (QComboBox *box : {m_ui->field, m_ui->op})
        connect(box, &QComboBox::currentIndexChanged, this, changed);
    for (QSpinBox *box : {m_ui->forSeconds, m_ui->cooldown})
        connect(box, &QSpinBox::valueChanged, this, changed);
    connect(m_ui->threshold, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_ui->testButton, &QPushButton::clicked, this, &AlertRuleDialog::testAgainstHistory);
    connect(m_ui->buttons, &QDialogButtonBox::accepted, this, &AlertRuleDialog::save);
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateKind();
}

AlertRuleDialog::~AlertRuleDialog() = default;

void AlertRuleDialog::fillChoices(const QList<AppChoice> &apps, std::optional<qint64> appId) {
    m_ui->subject->addItem(tr("This host"));
    for (const AppChoice &app : apps) {
        m_ui->subject->addItem(tr("App %1").arg(app.name), app.id);
        if (appId && *appId == app.id)
            m_ui->subject->setCurrentIndex(m_ui->subject->count() - 1);
    }
    fillFields();
    fillEvents();
}

// The figures of the subject: the host's or an app's (alerts::hostFields, appFields).
void AlertRuleDialog::fillFields() {
    const QString before = m_ui->field->currentData().toString();
    const QSignalBlocker block(m_ui->field);
    m_ui->field->clear();
    for (const QString &f : appId() ? alerts::appFields() : alerts::hostFields())
        m_ui->field->addItem(fieldText(f), f);
    // CPU stays CPU when the subject changes (cpu.usage on the host, cpu.percent on an app).
    const int same = m_ui->field->findText(fieldText(before));
    m_ui->field->setCurrentIndex(std::max(0, same));
}

// The engine's absence concerns the host only; the other events an app (or, for the host,
// every app).
void AlertRuleDialog::fillEvents() {
    const QString before = m_ui->event->currentData().toString();
    const QSignalBlocker block(m_ui->event);
    m_ui->event->clear();
    for (const QString &e : alerts::eventNames())
        if (e != u"engine_down" || !appId())
            m_ui->event->addItem(eventText(e), e);
    m_ui->event->setCurrentIndex(std::max(0, m_ui->event->findData(before)));
}

void AlertRuleDialog::loadChannels() {
    if (!m_session)
        return;
    // Channels are for owners and admins alone (a webhook URL is a secret): anyone else
    // saves a rule without them, and the list says why.
    m_session->get(
        QStringLiteral("/api/alerts/channels"), this,
        [this](const client::ServerSession::Reply &reply) {
            m_ui->channels->clear();
            if (!reply.ok()) {
                auto *item = new QListWidgetItem(
                    reply.status == 403 ? tr("Only owners and admins see channels")
                                        : tr("Channels could not be listed: %1").arg(reply.error),
                    m_ui->channels);
                item->setFlags(Qt::NoItemFlags);
                return;
            }
            for (const QJsonValue &v : reply.data.toArray()) {
                auto *item = new QListWidgetItem(
                    QStringLiteral("%1 (%2)").arg(v[u"name"].toString(), v[u"kind"].toString()),
                    m_ui->channels);
                item->setData(Qt::UserRole, v[u"id"].toInteger());
                item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
                item->setCheckState(Qt::Unchecked);
            }
            if (m_ui->channels->count() == 0) {
                auto *item = new QListWidgetItem(
                    tr("No channels yet: the rule's alerts go to the desktop only"),
                    m_ui->channels);
                item->setFlags(Qt::NoItemFlags);
            }
        });
}

void AlertRuleDialog::updateKind() {
    const QString kind = m_ui->kind->currentData().toString();
    m_ui->pages->setCurrentIndex(m_ui->kind->currentIndex());
    const bool loop = m_ui->event->currentData().toString() == u"restart_loop";
    const QList<QWidget *> loopOnly = {m_ui->restarts, m_ui->restartsLabel, m_ui->eventWithin,
                                       m_ui->eventWithinLabel};
    for (QWidget *w : loopOnly)
        w->setVisible(loop);
    const bool testable = kind == u"metric";
    m_ui->testButton->setEnabled(testable);
    m_ui->testButton->setToolTip(
        testable ? tr("Replay this rule over the recorded figures of the last hour, as the "
                      "server would have evaluated it")
                 : tr("Only metric rules can be tested against history"));
}

std::optional<qint64> AlertRuleDialog::appId() const {
    const QVariant id = m_ui->subject->currentData();
    return id.isValid() ? std::optional<qint64>(id.toLongLong()) : std::nullopt;
}

QJsonObject AlertRuleDialog::body() const {
    const QString kind = m_ui->kind->currentData().toString();
    const auto app = appId();
    QJsonObject o{{QStringLiteral("name"), m_ui->name->text().trimmed()},
                  {QStringLiteral("kind"), kind},
                  {QStringLiteral("appId"), app ? QJsonValue(*app) : QJsonValue()},
                  {QStringLiteral("severity"), m_ui->severity->currentData().toString()},
                  {QStringLiteral("cooldownSeconds"), m_ui->cooldown->value()}};
    if (kind == u"metric") {
        o.insert(QStringLiteral("field"), m_ui->field->currentData().toString());
        o.insert(QStringLiteral("op"), m_ui->op->currentData().toString());
        o.insert(QStringLiteral("threshold"), m_ui->threshold->value());
        o.insert(QStringLiteral("forSeconds"), m_ui->forSeconds->value());
    } else if (kind == u"event") {
        const QString event = m_ui->event->currentData().toString();
        o.insert(QStringLiteral("event"), event);
        if (event == u"restart_loop") {
            o.insert(QStringLiteral("restarts"), m_ui->restarts->value());
            o.insert(QStringLiteral("withinSeconds"), m_ui->eventWithin->value());
        }
    } else {
        o.insert(QStringLiteral("pattern"), m_ui->pattern->text());
        o.insert(QStringLiteral("count"), m_ui->count->value());
        o.insert(QStringLiteral("withinSeconds"), m_ui->logWithin->value());
    }
    QJsonArray channels;
    for (int i = 0; i < m_ui->channels->count(); ++i)
        if (m_ui->channels->item(i)->checkState() == Qt::Checked)
            channels.append(m_ui->channels->item(i)->data(Qt::UserRole).toLongLong());
    o.insert(QStringLiteral("channels"), channels);
    return o;
}

// The rule as the server would read it (the same parser), replayed over the last hour at 1 s.
void AlertRuleDialog::testAgainstHistory() {
    QJsonObject json = body();
    if (json.value(QStringLiteral("name")).toString().isEmpty())
        json.insert(QStringLiteral("name"), QStringLiteral("test")); // not tested here
    const auto rule = alerts::parseRule(json);
    if (!rule) {
        showTestResult(rule.error());
        return;
    }
    if (!m_session)
        return;
    const int generation = ++m_generation;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString path =
        client::ServerSession::historyPath(rule->appId.value_or(0), now - HourSeconds, now + 1, 1);
    m_testing = true;
    m_ui->testButton->setEnabled(false);
    showTestResult(tr("Reading the last hour…"));
    m_session->get(
        path, this, [this, generation, r = *rule](const client::ServerSession::Reply &reply) {
            m_testing = false;
            updateKind();
            if (generation != m_generation)
                return;
            if (!reply.ok()) {
                showTestResult(tr("The history could not be read: %1")
                                   .arg(reply.error.isEmpty()
                                            ? QStringLiteral("HTTP %1").arg(reply.status)
                                            : reply.error));
                return;
            }
            const auto result = alerts::backtest(
                r, alerts::samplesFromHistory(reply.data[u"points"].toArray(), r.field, r.op));
            if (!result) {
                showTestResult(result.error());
                return;
            }
            if (result->samples == 0) {
                showTestResult(tr("Nothing was recorded in the last hour to test "
                                  "against."));
                return;
            }
            if (result->firings == 0) {
                showTestResult(tr("This rule would not have fired in the last hour "
                                  "(%n value(s) tested).",
                                  nullptr, result->samples));
                return;
            }
            QString text = tr("This rule would have fired %n time(s) in the last hour", nullptr,
                              result->firings);
            const QString last =
                QLocale().toString(QDateTime::fromMSecsSinceEpoch(result->firedAtMs.last()).time(),
                                   QLocale::ShortFormat);
            text += result->firingAtEnd ? tr(", the last at %1, and would be firing now.").arg(last)
                                        : tr(", the last at %1.").arg(last);
            showTestResult(text);
        });
}

void AlertRuleDialog::save() {
    if (!m_session)
        return;
    setMessage(QString());
    m_ui->buttons->button(QDialogButtonBox::Save)->setEnabled(false);
    const QString name = m_ui->name->text().trimmed();
    m_session->post(QStringLiteral("/api/alerts/rules"), body(), this,
                    [this, name](const client::ServerSession::Reply &reply) {
                        m_ui->buttons->button(QDialogButtonBox::Save)->setEnabled(true);
                        if (!reply.ok()) {
                            setMessage(
                                reply.error.isEmpty()
                                    ? tr("The server refused the rule (HTTP %1)").arg(reply.status)
                                    : reply.error);
                            return;
                        }
                        emit ruleSaved(reply.data[u"id"].toInteger(), name);
                        accept();
                    });
}

QString AlertRuleDialog::testResultText() const {
    return m_ui->testResult->text();
}

QString AlertRuleDialog::messageText() const {
    return m_ui->message->isVisibleTo(this) ? m_ui->message->text() : QString();
}

void AlertRuleDialog::setMessage(const QString &text) {
    m_ui->message->setText(text);
    m_ui->message->setVisible(!text.isEmpty());
}

void AlertRuleDialog::showTestResult(const QString &text) {
    m_ui->testResult->setText(text);
    if (!m_testing && !text.isEmpty())
        emit tested();
}

} // namespace mist::gui
