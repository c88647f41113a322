"""The AWS emulator for the tests: moto's server app, served one request at a time.

moto's stock `moto_server` handles requests on threads and does not lock an item between
checking a write's condition and applying it, so two racing conditional writes can both
succeed — which real DynamoDB never allows. Serving requests one by one makes each
request atomic, as each item write is on DynamoDB, so the race tests test our code and
not the emulator's. Usage: emulator.py HOST PORT
"""
import os
import sys

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

host, port = sys.argv[1], int(sys.argv[2])
os.environ.setdefault("MOTO_PORT", str(port))
run_simple(host, port, DomainDispatcherApplication(create_backend_app), threaded=False, request_handler=MotoRequestHandler)
