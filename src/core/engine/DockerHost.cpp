// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/DockerHost.h"

#include <QDir>
#include <QHostAddress>
#include <QRegularExpression>

namespace mist::engine {

namespace {

const QString kDefaultHost = QStringLiteral("unix:///var/run/docker.sock");

// Host names as RFC 1123 allows them (plus '_', which some internal DNS setups use), or IPv4
// literals. Anything else after "tcp://" is far more likely a typo than a real host.
bool isValidHostName(const QString &host) {
    static const QRegularExpression re(QStringLiteral(
        "^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?$"));
    return host.size() <= 253 && re.match(host).hasMatch();
}

// DOCKER_TLS_VERIFY: the docker CLI treats any non-empty value as "on"; we additionally read the
// obvious spellings of "off" as off, because DOCKER_TLS_VERIFY=0 meaning "verify" surprises people.
bool envFlag(const char *name) {
    const QString v = qEnvironmentVariable(name).trimmed().toLower();
    return !v.isEmpty() && v != QLatin1String("0") && v != QLatin1String("false") &&
           v != QLatin1String("no") && v != QLatin1String("off");
}

// unix:///absolute/path/to/docker.sock; rest is what follows "unix://".
Expected<DockerHost> parseUnix(const QString &uri, const QString &rest) {
    // "unix://relative" would silently resolve against whatever directory we were started
    // in; the docker CLI refuses it too.
    if (!rest.startsWith(QLatin1Char('/')) || rest.size() < 2)
        return fail(QStringLiteral("Docker host \"%1\": the socket path must be absolute "
                                   "(unix:///path/to/docker.sock)")
                        .arg(uri));
    if (rest.contains(QLatin1Char('?')) || rest.contains(QLatin1Char('#')) ||
        rest.contains(QChar(0)))
        return fail(
            QStringLiteral("Docker host \"%1\": unexpected characters in socket path").arg(uri));
    DockerHost h;
    h.kind = DockerHost::Kind::Unix;
    h.socketPath = QDir::cleanPath(rest);
    return h;
}

// tcp://host:port, tcp://[v6]:port; rest is what follows "tcp://".
Expected<DockerHost> parseTcp(const QString &uri, const QString &rest) {
    // A lone trailing slash is harmless ("tcp://host:2376/"); any other path, query or user
    // info is not something the engine API understands.
    QString authority = rest;
    if (authority.endsWith(QLatin1Char('/')))
        authority.chop(1);
    if (authority.isEmpty())
        return fail(QStringLiteral("Docker host \"%1\": missing host").arg(uri));
    if (authority.contains(QLatin1Char('/')) || authority.contains(QLatin1Char('?')) ||
        authority.contains(QLatin1Char('#')) || authority.contains(QLatin1Char('@')))
        return fail(
            QStringLiteral("Docker host \"%1\": expected only host:port after tcp://").arg(uri));

    QString hostPart, portPart;
    if (authority.startsWith(QLatin1Char('['))) {
        const int close = authority.indexOf(QLatin1Char(']'));
        if (close < 0)
            return fail(QStringLiteral("Docker host \"%1\": unterminated IPv6 address").arg(uri));
        hostPart = authority.mid(1, close - 1);
        const QString after = authority.mid(close + 1);
        if (!after.startsWith(QLatin1Char(':')))
            return fail(QStringLiteral("Docker host \"%1\": missing port").arg(uri));
        portPart = after.mid(1);
        const QHostAddress addr(hostPart);
        if (addr.isNull() || addr.protocol() != QAbstractSocket::IPv6Protocol)
            return fail(QStringLiteral("Docker host \"%1\": \"%2\" is not an IPv6 address")
                            .arg(uri, hostPart));
    } else {
        const int colon = authority.lastIndexOf(QLatin1Char(':'));
        if (colon < 0)
            return fail(QStringLiteral("Docker host \"%1\": missing port").arg(uri));
        hostPart = authority.left(colon);
        portPart = authority.mid(colon + 1);
        if (hostPart.contains(QLatin1Char(':')))
            return fail(QStringLiteral("Docker host \"%1\": IPv6 addresses must be "
                                       "bracketed (tcp://[::1]:2376)")
                            .arg(uri));
        if (hostPart.isEmpty() || !isValidHostName(hostPart))
            return fail(
                QStringLiteral("Docker host \"%1\": invalid host name \"%2\"").arg(uri, hostPart));
    }

    if (portPart.isEmpty())
        return fail(QStringLiteral("Docker host \"%1\": missing port").arg(uri));
    // toInt() would accept "+80" or " 80"; insist on plain digits.
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,5}$"));
    const int port = digits.match(portPart).hasMatch() ? portPart.toInt() : -1;
    if (port < 1 || port > 65535)
        return fail(QStringLiteral("Docker host \"%1\": port \"%2\" is not in 1..65535")
                        .arg(uri, portPart));

    DockerHost h;
    h.kind = DockerHost::Kind::Tcp;
    h.host = hostPart;
    h.port = port;
    return h;
}

} // namespace

Expected<DockerHost> DockerHost::parse(const QString &uriIn, const QString &certDir,
                                       bool tlsVerify) {
    const QString uri = uriIn.trimmed();
    if (uri.isEmpty())
        return fail(QStringLiteral("Docker host is empty"));

    const int schemeEnd = uri.indexOf(QLatin1String("://"));
    if (schemeEnd <= 0)
        return fail(QStringLiteral("Docker host \"%1\" is not of the form unix:///path or "
                                   "tcp://host:port")
                        .arg(uri));
    const QString scheme = uri.left(schemeEnd).toLower();
    const QString rest = uri.mid(schemeEnd + 3);

    if (scheme == QLatin1String("unix"))
        return parseUnix(uri, rest);
    if (scheme != QLatin1String("tcp"))
        return fail(QStringLiteral("Docker host \"%1\": unsupported scheme \"%2\" (use "
                                   "unix:// or tcp://)")
                        .arg(uri, scheme));

    Expected<DockerHost> h = parseTcp(uri, rest);
    if (!h)
        return h;
    if (tlsVerify || !certDir.isEmpty()) {
        h->tls = true;
        const QString dir =
            certDir.isEmpty() ? QDir::home().filePath(QStringLiteral(".docker")) : certDir;
        h->certFile = QDir(dir).filePath(QStringLiteral("cert.pem"));
        h->keyFile = QDir(dir).filePath(QStringLiteral("key.pem"));
        h->caFile = QDir(dir).filePath(QStringLiteral("ca.pem"));
    }
    return h;
}

Expected<DockerHost> DockerHost::fromEnvironment(const QString &override) {
    QString uri = override.trimmed();
    if (uri.isEmpty())
        uri = qEnvironmentVariable("DOCKER_HOST").trimmed();
    if (uri.isEmpty())
        uri = kDefaultHost;
    return parse(uri, qEnvironmentVariable("DOCKER_CERT_PATH"), envFlag("DOCKER_TLS_VERIFY"));
}

QString DockerHost::toString() const {
    if (kind == Kind::Unix)
        return QStringLiteral("unix://") + socketPath;
    const QString h = host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(host) : host;
    return QStringLiteral("tcp://%1:%2").arg(h).arg(port);
}

bool operator==(const DockerHost &a, const DockerHost &b) {
    return a.kind == b.kind && a.socketPath == b.socketPath && a.host == b.host &&
           a.port == b.port && a.tls == b.tls && a.certFile == b.certFile &&
           a.keyFile == b.keyFile && a.caFile == b.caFile;
}

} // namespace mist::engine
