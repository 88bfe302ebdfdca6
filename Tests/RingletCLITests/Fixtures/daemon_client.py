"""An independent client of the ringlet daemon's WebSocket attach endpoint, for the tests.

It uses Debian's python3-websockets for well-formed sessions and a hand-made socket for the frames a
correct client never sends. Run it with /usr/bin/python3 (Debian's, which has websockets).

usage: daemon_client.py URL TOKEN SESSION MODE [ARGS]
  type TEXT UNTIL   attach, wait for the replay's end, send TEXT, read until UNTIL is in the live output
  watch UNTIL       attach and read until UNTIL is in the live output
  hold              attach and read until the server closes
                    (every mode says "attached" on stderr once the replay has been received)
  unmasked | oversized | not-json
                    handshake by hand, send that bad frame, report the server's close code
Prints one JSON object: subprotocol, replay, live, controls, close_code, close_reason.
"""
import asyncio
import base64
import json
import os
import socket
import ssl
import struct
import sys
import urllib.parse

import websockets

TIMEOUT = 60


async def attached(url, token, session, mode, args):
    target = url.replace("http", "ws", 1) + "/api/sessions/" + session + "/attach"
    result = {"replay": "", "live": "", "controls": [], "close_code": None, "close_reason": ""}
    # A daemon behind TLS (directly or through a proxy) is trusted through the CA file in RINGLET_CA_FILE.
    tls = ssl.create_default_context(cafile=os.environ["RINGLET_CA_FILE"]) if target.startswith("wss://") else None
    async with websockets.connect(target, subprotocols=["ringlet.v1", "bearer." + token], max_size=None, ssl=tls) as ws:
        result["subprotocol"] = ws.subprotocol
        in_replay = False
        until = args[-1] if mode in ("type", "watch") else None
        try:
            while True:
                message = await asyncio.wait_for(ws.recv(), TIMEOUT)
                if isinstance(message, str):
                    control = json.loads(message)
                    result["controls"].append(control)
                    if control["type"] == "replay-start":
                        in_replay = True
                    elif control["type"] == "replay-end":
                        in_replay = False
                        print("attached", file=sys.stderr, flush=True)
                        if mode == "type":
                            await ws.send(args[0].encode())
                    continue
                text = message.decode("utf-8", "replace")
                if in_replay:
                    result["replay"] += text
                else:
                    result["live"] += text
                if until is not None and until in result["live"]:
                    break
        except websockets.ConnectionClosed:
            pass
        except asyncio.TimeoutError:
            result["timed_out"] = True
        await ws.close()
        result["close_code"] = ws.close_code
        result["close_reason"] = ws.close_reason
    return result


def frame(opcode, payload, masked=True, declared=None):
    length = len(payload) if declared is None else declared
    head = bytes([0x80 | opcode])
    mask_bit = 0x80 if masked else 0
    if length < 126:
        head += bytes([mask_bit | length])
    elif length < 65536:
        head += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if not masked:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def raw(url, token, session, mode):
    parts = urllib.parse.urlsplit(url)
    connection = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)
    key = base64.b64encode(os.urandom(16)).decode()
    connection.sendall((
        f"GET /api/sessions/{session}/attach HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Protocol: ringlet.v1, bearer.{token}\r\n\r\n").encode())
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            return {"close_code": None, "error": "closed during the handshake"}
        received += chunk
    head, received = received.split(b"\r\n\r\n", 1)
    if not head.startswith(b"HTTP/1.1 101"):
        return {"close_code": None, "error": head.decode()}
    if mode == "unmasked":
        connection.sendall(frame(0x2, b"echo nope\n", masked=False))
    elif mode == "oversized":
        connection.sendall(frame(0x2, b"x" * 1024, declared=2 << 20))
    elif mode == "not-json":
        connection.sendall(frame(0x1, b"this is not json"))
    # Read frames until the server's close frame: the replay may come first.
    while True:
        while len(received) < 2:
            chunk = connection.recv(65536)
            if not chunk:
                return {"close_code": None, "error": "closed without a close frame"}
            received += chunk
        opcode, length = received[0] & 0x0F, received[1] & 0x7F
        offset = 2
        if length == 126:
            while len(received) < 4:
                received += connection.recv(65536)
            length, offset = struct.unpack("!H", received[2:4])[0], 4
        elif length == 127:
            while len(received) < 10:
                received += connection.recv(65536)
            length, offset = struct.unpack("!Q", received[2:10])[0], 10
        while len(received) < offset + length:
            chunk = connection.recv(65536)
            if not chunk:
                return {"close_code": None, "error": "closed in the middle of a frame"}
            received += chunk
        payload, received = received[offset:offset + length], received[offset + length:]
        if opcode == 0x8:
            code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
            return {"close_code": code, "close_reason": payload[2:].decode("utf-8", "replace")}


def main():
    url, token, session, mode, *args = sys.argv[1:]
    if mode in ("unmasked", "oversized", "not-json"):
        result = raw(url, token, session, mode)
    else:
        result = asyncio.run(attached(url, token, session, mode, args))
    print(json.dumps(result))


main()
