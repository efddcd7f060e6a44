#include "DesktopApp.h"

#include "metrics/MetricsSampler.h"
#include "server/MistServer.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMainWindow>
#include <QMessageBox>
#include <QStatusBar>
#include <QVBoxLayout>

namespace mist::gui {

int runDesktopApp(int argc, char *argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("mist-monitor"));
    QApplication::setApplicationDisplayName(QStringLiteral("Mist Monitor"));
    QApplication::setApplicationVersion(QStringLiteral(MIST_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Mist Monitor desktop app"));
    server::ServerConfig::addOptions(parser);
    parser.process(app);
    QString error;
    auto config = server::ServerConfig::fromParser(parser, &error);
    if (!config) {
        QMessageBox::critical(nullptr, QStringLiteral("Mist Monitor"), error);
        return 2;
    }
    // The embedded server listens on loopback only, on whatever port is free.
    if (!parser.isSet(QStringLiteral("listen"))) {
        config->listenAddress = QHostAddress(QHostAddress::LocalHost);
        config->port = 0;
    }
    server::MistServer server(*config);
    if (!server.start(&error)) {
        QMessageBox::critical(nullptr, QStringLiteral("Mist Monitor"),
                              QObject::tr("The embedded server could not start: %1").arg(error));
        return 1;
    }

    // Interim window until the full desktop views land (issue #4): shows the
    // embedded server's address and its live host metrics.
    QMainWindow window;
    auto *central = new QWidget(&window);
    auto *layout = new QVBoxLayout(central);
    auto *address =
        new QLabel(QObject::tr("Embedded server: %1").arg(server.httpUrl().toString()), central);
    auto *metrics = new QLabel(central);
    metrics->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(address);
    layout->addWidget(metrics);
    layout->addStretch();
    window.setCentralWidget(central);
    window.resize(640, 360);
    QObject::connect(&server.sampler(), &metrics::MetricsSampler::sampled, metrics,
                     [metrics](const QString &sample) {
                         const QJsonObject o = QJsonDocument::fromJson(sample.toUtf8()).object();
                         metrics->setText(QString::fromUtf8(QJsonDocument(o).toJson()));
                     });
    window.statusBar()->showMessage(QObject::tr("Data directory: %1").arg(config->dataDir));
    window.show();
    return QApplication::exec();
}

} // namespace mist::gui
