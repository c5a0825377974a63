"""Client addresses stay out of the proxy's log unless an admin asks for them.

mitmproxy tags every log record of a connection with the client's address and port (`extra=
{"client": peername}`, printed as `[127.0.0.1:50312]`) and logs "client connect" and "client
disconnect" for every connection. docs/privacy.md promises no address is stored, and logs are kept
on disk, so by default this filter drops those two lines and takes the address off every other
record (masking it where the message itself repeats it). `watercooler_log_addresses=true` shows them
for troubleshooting; whoever sets it keeps logs that identify devices and must delete them in time.

A filter on the loggers that tag records (not on a handler), so every handler mitmproxy or an
admin adds later gets the same lines. It only edits a record in memory: nothing blocks the loop.
"""
from __future__ import annotations

import logging

# mitmproxy's modules whose records carry the client's address.
TAGGING_LOGGERS = ("mitmproxy.proxy.server", "mitmproxy.proxy.layers.http._http_h2")
PER_CONNECTION = frozenset({"client connect", "client disconnect"})
MASK = "(client)"


class HideClientAddresses(logging.Filter):
    def __init__(self) -> None:
        super().__init__("watercooler.client_addresses")
        self.show = False

    def filter(self, record: logging.LogRecord) -> bool:
        client = getattr(record, "client", None)
        if self.show or not client:
            return True
        message = record.getMessage()
        if message in PER_CONNECTION:
            return False
        record.client = None
        address = str(client[0])
        if address and address in message:
            record.msg, record.args = message.replace(address, MASK), ()
        return True


FILTER = HideClientAddresses()


def shown(address: str) -> str:
    """`address` as Watercooler's own log lines may print it: masked unless addresses are asked for."""
    return address if FILTER.show else MASK


def install(show: bool) -> None:
    """Hide (or, with `show`, keep) client addresses in mitmproxy's log; safe to call on every configure."""
    FILTER.show = show
    for name in TAGGING_LOGGERS:
        logger = logging.getLogger(name)
        if FILTER not in logger.filters:
            logger.addFilter(FILTER)
