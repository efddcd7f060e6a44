// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringList>

#include <optional>

namespace mist::http {

// Which names the server answers to (the Host header), against DNS
// rebinding: a page on evil.example whose name is made to resolve to this
// server still sends `Host: evil.example`, so a name nobody configured is
// refused. Allowed without configuration: loopback names (`localhost`,
// `*.localhost`) and any IP address literal, IPv4 dotted or IPv6 in brackets
// (a rebinding needs a name; a page whose origin is an IP address is already
// held to that address by the browser). Other names come from
// `--allowed-host` and from the TLS certificate.
struct HostPolicy {
    // Lower-case names, without a trailing dot; "*.example.com" matches any
    // one label in front of example.com, as in certificates (RFC 6125).
    QStringList names;
};

// A Host header split up; nullopt when it is not `name`, `name:port`,
// `IPv4[:port]` or `[IPv6][:port]` (RFC 9110 §7.2).
struct HostHeader {
    QString name; // lower-case, trailing dot removed; an IPv6 address without brackets
    bool ipLiteral = false;
    std::optional<quint16> port;
};
std::optional<HostHeader> parseHostHeader(QByteArrayView value);

// A name for HostPolicy::names from an operator (`--allowed-host`) or a
// certificate; nullopt when it is not a DNS name (optionally "*." + name).
std::optional<QString> normalizeAllowedHost(QStringView name);

enum class HostVerdict { Allowed, Malformed, NotAllowed };
HostVerdict checkHost(QByteArrayView hostHeader, const HostPolicy &policy);

} // namespace mist::http
