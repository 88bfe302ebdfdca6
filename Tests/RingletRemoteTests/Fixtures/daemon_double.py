#!/usr/bin/python3
"""A stand-in for the ringlet daemon's remote API, for tests of the client side.

Usage: daemon_double.py TOKEN [--no-subprotocol]

Prints its port on the first line, then serves on 127.0.0.1: the REST routes (bearer token
checked) and WebSocket attach, whose handshake and framing are Debian's python3-websockets
(sans-I/O), so the client is checked by an implementation that is not ringlet's. An attached
session echoes binary input as output, announces a replay, pings once, reports resizes and
signals as output, and on input "exit N" sends the exit message and closes with 1000.
Extra fields in a session (cols, rows, last_close_code) let tests see what the client sent.
"""
import http
import json
import secrets
import socket
import socketserver
import sys
import threading

from websockets.frames import Opcode
from websockets.headers import parse_subprotocol
from websockets.server import ServerConnection

TOKEN = sys.argv[1]
SELECT_SUBPROTOCOL = "--no-subprotocol" not in sys.argv[2:]
PROFILES = [
    {"name": "work", "agent": "claude", "provider": "anthropic", "model": "claude-sonnet-4-5",
     "workspace": "/srv/work", "sandbox": True},
]
lock = threading.Lock()
sessions = {}


def new_session(profile, session_id=None, uptime=0, cols=80, rows=24):
    return {
        "id": session_id or secrets.token_hex(8), "profile": profile, "agent": "claude", "state": "running",
        "exit_code": None, "started": "2026-11-22T06:00:00Z", "uptime_seconds": uptime, "idle_seconds": 3,
        "bytes_in": 10, "bytes_out": 2000, "attached_clients": 0, "clients": [],
        "cols": cols, "rows": rows, "last_close_code": None,
    }


seeded = new_session("work", "3f9a0c1d2e4b5a67", uptime=192)
seeded["attached_clients"] = 1
seeded["clients"] = [{"address": "127.0.0.1:50312", "since": "2026-11-22T06:00:05Z", "bytes_in": 10, "bytes_out": 2000}]
sessions[seeded["id"]] = seeded


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return
            data += chunk
        head, rest = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        if headers.get("upgrade", "").lower() == "websocket":
            self.attach(sock, path, data)
            return
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            rest += sock.recv(65536)
        status, body = self.route(method, path, headers, rest)
        payload = json.dumps(body).encode()
        reason = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}[status]
        sock.sendall(f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode() + payload)

    def route(self, method, path, headers, body):
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"error": "missing or wrong bearer token"}
        with lock:
            if method == "GET" and path == "/health":
                return 200, {"status": "ok", "version": "0.1.0", "sessions": len(sessions), "uptime_seconds": 5}
            if method == "GET" and path == "/api/profiles":
                return 200, {"profiles": PROFILES}
            if method == "GET" and path == "/api/sessions":
                return 200, {"sessions": list(sessions.values())}
            if method == "POST" and path == "/api/sessions":
                request = json.loads(body or b"{}")
                if request.get("profile") not in [p["name"] for p in PROFILES]:
                    return 404, {"error": f"no profile {request.get('profile')} on this daemon"}
                session = new_session(request["profile"], cols=request.get("cols"), rows=request.get("rows"))
                sessions[session["id"]] = session
                return 201, session
            if path.startswith("/api/sessions/"):
                session = sessions.get(path[len("/api/sessions/"):])
                if session is None:
                    return 404, {"error": "no such session"}
                if method == "GET":
                    return 200, session
                if method == "DELETE":
                    session["state"], session["exit_code"] = "exited", 0
                    return 200, session
            return 400, {"error": f"no route {method} {path}"}

    def attach(self, sock, path, received):
        connection = ServerConnection(subprotocols=["ringlet.v1"] if SELECT_SUBPROTOCOL else None)
        connection.receive_data(received)
        request = connection.events_received()[0]
        offered = sum([parse_subprotocol(value) for value in request.headers.get_all("Sec-WebSocket-Protocol")], [])
        session_id = path[len("/api/sessions/"):-len("/attach")] if path.endswith("/attach") else ""
        with lock:
            session = sessions.get(session_id)
        if f"bearer.{TOKEN}" not in offered:
            response = connection.reject(http.HTTPStatus.UNAUTHORIZED, json.dumps({"error": "missing or wrong bearer token"}))
        elif session is None:
            response = connection.reject(http.HTTPStatus.NOT_FOUND, json.dumps({"error": "no such session"}))
        else:
            response = connection.accept(request)
        connection.send_response(response)
        self.flush(sock, connection)
        if response.status_code != 101:
            return
        with lock:
            session["attached_clients"] += 1
        try:
            self.serve(sock, connection, session)
        finally:
            with lock:
                session["attached_clients"] -= 1
                session["last_close_code"] = connection.close_rcvd.code if connection.close_rcvd else None

    def serve(self, sock, connection, session):
        connection.send_text(json.dumps({"type": "replay-start"}).encode())
        connection.send_binary(b"replayed output\r\n")
        connection.send_text(json.dumps({"type": "replay-end"}).encode())
        connection.send_text(json.dumps({"type": "notice", "message": "attached to " + session["id"]}).encode())
        connection.send_ping(b"hi")
        self.flush(sock, connection)
        while True:
            chunk = sock.recv(65536)
            if chunk:
                connection.receive_data(chunk)
            else:
                connection.receive_eof()
            for frame in connection.events_received():
                if frame.opcode is Opcode.BINARY:
                    text = frame.data.decode("latin-1")
                    if text.startswith("exit "):
                        code = int(text.split()[1])
                        with lock:
                            session["state"], session["exit_code"] = "exited", code
                        connection.send_text(json.dumps({"type": "exit", "code": code}).encode())
                        connection.send_close(1000)
                    else:
                        connection.send_binary(frame.data)
                elif frame.opcode is Opcode.TEXT:
                    control = json.loads(frame.data)
                    if control["type"] == "resize":
                        with lock:
                            session["cols"], session["rows"] = control["cols"], control["rows"]
                        connection.send_binary(f"[resize {control['cols']}x{control['rows']}]".encode())
                    elif control["type"] == "signal":
                        connection.send_binary(f"[signal {control['name']}]".encode())
                elif frame.opcode is Opcode.PONG:
                    connection.send_binary(b"[pong " + frame.data + b"]")
            if not self.flush(sock, connection) or not chunk:
                return

    @staticmethod
    def flush(sock, connection):
        """Writes what the connection has to send; False once it has closed its side."""
        for data in connection.data_to_send():
            if data:
                sock.sendall(data)
            else:
                sock.shutdown(socket.SHUT_WR)
                return False
        return True


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
