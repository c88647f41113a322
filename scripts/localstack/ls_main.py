"""`python ls_main.py` == `python -m localstack.runtime.main` with two fixes (localstack-core 2026.3.0):

1. The default (twisted) gateway listens on the host given in GATEWAY_LISTEN instead of 0.0.0.0:
   localstack/runtime/server/twisted.py binds every IPv4 GATEWAY_LISTEN entry with
   `endpoints.TCP4ServerEndpoint(reactor, port)` ("# TODO: interface = host?"), i.e. on all interfaces.
   This fills in the interface from GATEWAY_LISTEN. start.sh checks the resulting socket.
2. S3 object data goes to $TMPDIR/localstack-s3-storage instead of the hard-coded, shared
   /tmp/localstack-s3-storage (localstack/services/s3/provider.py: DEFAULT_S3_TMP_DIR), so parallel
   instances don't share (and rmtree) each other's bucket directories and nothing is left in /tmp.
"""

import os
import runpy
import tempfile

from twisted.internet import endpoints

_tcp4 = endpoints.TCP4ServerEndpoint


def _tcp4_bound(reactor, port, backlog=50, interface=""):
    if not interface:
        from localstack import config

        for listen in config.GATEWAY_LISTEN:
            if listen.port == port:
                interface = listen.host
                break
    return _tcp4(reactor, port, backlog, interface)


endpoints.TCP4ServerEndpoint = _tcp4_bound

import localstack.services.s3.provider as _s3_provider  # noqa: E402

_s3_provider.DEFAULT_S3_TMP_DIR = os.path.join(tempfile.gettempdir(), "localstack-s3-storage")

runpy.run_module("localstack.runtime.main", run_name="__main__", alter_sys=True)
