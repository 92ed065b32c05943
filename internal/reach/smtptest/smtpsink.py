"""A real SMTP server for ikrar's tests: aiosmtpd with a handler that
writes every accepted message to a folder (one .eml file each, written
then renamed, so a reader never sees half a message) and refuses, for
good, any recipient whose address contains "tolak".

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtpsink.Sink FOLDER
"""
import os
import time


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.n = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtpsink.Sink takes one argument: the folder")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "tolak" in address:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        name = "%d-%d-%d.eml" % (time.time_ns(), os.getpid(), self.n)
        tmp = os.path.join(self.folder, name + ".part")  # not *.eml until complete
        with open(tmp, "wb") as f:
            f.write(envelope.original_content or envelope.content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.folder, name))
        return "250 Message accepted for delivery"
