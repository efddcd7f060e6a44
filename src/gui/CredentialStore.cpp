// SPDX-License-Identifier: GPL-3.0-or-later

#include "CredentialStore.h"

#include <qt6keychain/keychain.h>

namespace mist::gui {

namespace {
const QString Service = QStringLiteral("mist-monitor");
}

QString CredentialStore::keyFor(const QString &url, const QString &email) {
    return email + u'@' + url;
}

void CredentialStore::save(const QString &key, const QByteArray &password,
                           std::function<void(bool, const QString &)> done) {
    auto *job = new QKeychain::WritePasswordJob(Service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain file
    job->setKey(key);
    job->setBinaryData(password);
    QObject::connect(job, &QKeychain::Job::finished, job, [done](QKeychain::Job *j) {
        if (done)
            done(j->error() == QKeychain::NoError, j->errorString());
    });
    job->start();
}

void CredentialStore::load(const QString &key,
                           std::function<void(bool, const QByteArray &, const QString &)> done) {
    auto *job = new QKeychain::ReadPasswordJob(Service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    QObject::connect(job, &QKeychain::Job::finished, job, [done](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        done(j->error() == QKeychain::NoError, read->binaryData(), j->errorString());
    });
    job->start();
}

void CredentialStore::remove(const QString &key) {
    auto *job = new QKeychain::DeletePasswordJob(Service);
    job->setAutoDelete(true);
    job->setKey(key);
    job->start();
}

} // namespace mist::gui
