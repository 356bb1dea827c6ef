#!/usr/bin/python3
"""An empty Neutron for the realstack suite, on 127.0.0.1 only (no auth check).

nova-api asks Neutron for a server's ports whenever it renders the server (security groups), and
server delete deallocates networking; servers here are created with networks "none", so "no ports,
no networks" is the true answer. GET of any collection -> {"<collection>": []}; DELETE -> 204.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 9696


class EmptyNeutron(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def any_method(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if not parts:
            return self.answer(200, {"versions": [{"id": "v2.0", "status": "CURRENT", "links": [
                {"rel": "self", "href": "http://127.0.0.1:%d/v2.0/" % PORT}]}]})
        if parts == ["v2.0"]:
            return self.answer(200, {"resources": []})
        if self.command == "GET" and len(parts) == 2 and parts[0] == "v2.0":
            return self.answer(200, {parts[1].removesuffix(".json").replace("-", "_"): []})
        if self.command == "DELETE":
            return self.answer(204)
        return self.answer(404, {"NeutronError": {"type": "HTTPNotFound", "message": "realstack: no network", "detail": ""}})

    do_GET = do_POST = do_PUT = do_DELETE = any_method


ThreadingHTTPServer(("127.0.0.1", PORT), EmptyNeutron).serve_forever()
