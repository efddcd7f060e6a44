#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real SMTP server for the alert e-mail tests (aiosmtpd, Debian's
python3-aiosmtpd): every message it accepts is written to OUT/NNNN.eml as
received, after four lines of what the envelope and session were
(X-Envelope-From, X-Envelope-To, X-Auth, X-TLS). Prints "ready" once it
listens; runs until killed.

  smtp_receiver.py --port P --out DIR [--user U --password PW]
                   [--cert C --key K] [--reject ADDRESS]

--user/--password: AUTH required (PLAIN/LOGIN, allowed without TLS so the
test can check the credentials). --cert/--key: STARTTLS offered with that
certificate. --reject: RCPT TO that address gets 550.
"""
import argparse
import logging
import os
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Saver:
    def __init__(self, out, reject):
        self.out = out
        self.reject = reject
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.out, "%04d.eml" % self.count)
        login = getattr(session, "mist_login", "")
        head = "X-Envelope-From: %s\r\nX-Envelope-To: %s\r\nX-Auth: %s\r\nX-TLS: %s\r\n" % (
            envelope.mail_from, ",".join(envelope.rcpt_tos), login,
            "yes" if session.ssl else "no")
        with open(path + ".tmp", "wb") as f:
            f.write(head.encode() + envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 OK queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--reject")
    a = p.parse_args()
    # AUTH without TLS is what the tests want to see the credentials; the
    # library's warnings about it would only fill the test's output.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    kwargs = {}
    if a.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode() == a.user and
                  auth_data.password.decode() == a.password)
            if ok:
                session.mist_login = a.user
            return AuthResult(success=ok, handled=False)
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    if a.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(a.cert, a.key)
        kwargs.update(tls_context=context)
    controller = Controller(Saver(a.out, a.reject), hostname="127.0.0.1", port=a.port,
                            decode_data=False, **kwargs)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
