// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QString>

namespace mist::engine {

// Where the Docker engine listens, in the same notation the docker CLI uses for DOCKER_HOST.
struct DockerHost {
    enum class Kind { Unix, Tcp };

    Kind kind = Kind::Unix;
    QString socketPath;                // Unix: absolute path of the socket
    QString host;                      // Tcp: host name or IP address (IPv6 without brackets)
    int port = 0;                      // Tcp: 1..65535
    bool tls = false;                  // Tcp: https; the engine's certificate is always verified
    QString certFile, keyFile, caFile; // Tcp+TLS: client certificate, its key, the CA bundle

    // Parses "unix:///path" or "tcp://host:port" (IPv6 as "tcp://[::1]:2376"). For tcp, TLS is used
    // when tlsVerify is true or certDir is non-empty; the files are certDir/{cert,key,ca}.pem
    // (certDir defaults to ~/.docker when only tlsVerify is given, as with the docker CLI).
    // Fails for anything else: empty, other schemes, missing or out-of-range port, relative
    // unix path, paths or credentials in a tcp URI.
    static Expected<DockerHost> parse(const QString &uri, const QString &certDir, bool tlsVerify);

    // The --docker-host value if non-empty, else $DOCKER_HOST, else unix:///var/run/docker.sock.
    // $DOCKER_CERT_PATH and $DOCKER_TLS_VERIFY apply in every case, as they do for `docker -H`.
    static Expected<DockerHost> fromEnvironment(const QString &override);

    // The URI form ("unix:///path", "tcp://host:port", "tcp://[::1]:port"); parse() accepts it.
    QString toString() const;

    friend bool operator==(const DockerHost &a, const DockerHost &b);
    friend bool operator!=(const DockerHost &a, const DockerHost &b) { return !(a == b); }
};

} // namespace mist::engine
