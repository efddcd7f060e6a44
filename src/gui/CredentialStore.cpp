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
                           std::function<void(const Expected<void> &)> done) {
    auto *job = new QKeychain::WritePasswordJob(Service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain file
    job->setKey(key);
    job->setBinaryData(password);
    QObject::connect(job, &QKeychain::Job::finished, job, [done](QKeychain::Job *j) {
        if (!done)
            return;
        if (j->error() != QKeychain::NoError)
            return done(fail(j->errorString()));
        done({});
    });
    job->start();
}

void CredentialStore::load(const QString &key,
                           std::function<void(const Expected<QByteArray> &)> done) {
    auto *job = new QKeychain::ReadPasswordJob(Service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    QObject::connect(job, &QKeychain::Job::finished, job, [done](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (j->error() != QKeychain::NoError)
            return done(fail(j->errorString()));
        done(read->binaryData());
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
