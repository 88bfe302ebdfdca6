#!/usr/bin/env python3
"""A stand-in for the Anthropic Messages API on 127.0.0.1, for trying an agent offline.

It answers the agent loop's turns from a script — a JSON list of {"type": "text", "text": …} and
{"type": "tool_use", "id": …, "name": "Bash", "input": {…}} — in order, then "done"; requests without
tools (titles, quota checks) are answered without using a turn. Streaming (SSE) and plain JSON, as the
API serves them. Every request is appended to the log as a JSON line. Ringlet's tests drive the real
Claude Code with it; the README shows how to try a profile with it.
"""
import http.server, socketserver, json, sys, threading, os, time

# Usage: anthropic_double.py TURNS.json REQUESTS.log [PORT]  (PORT 0 or none: any free port, printed first)
with open(sys.argv[1], encoding="utf-8") as turns:
    script = json.load(turns)
log_path = sys.argv[2]
port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
lock = threading.Lock()
counts = {"turns": 0, "messages": 0}

def exit_when_orphaned(parent):
    # Stopped by whoever started it, as a rule; this covers a parent that dies first (a crash, SIGKILL).
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)

threading.Thread(target=exit_when_orphaned, args=(os.getppid(),), daemon=True).start()

# Small fixed counts: a realistic count of Claude Code's prompt (~25k tokens) could only bring its
# context compaction closer, which would send requests the script does not expect.
USAGE = {"input_tokens": 100, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 10}

def placeholder(schema):
    kind = schema.get("type")
    if kind == "object":
        return {name: placeholder(sub) for name, sub in (schema.get("properties") or {}).items()}
    return {"string": "test double", "integer": 0, "number": 0, "boolean": False, "array": []}.get(kind)

def side_answer(request):
    output_format = (request.get("output_config") or {}).get("format") or {}
    if output_format.get("type") == "json_schema":
        return json.dumps(placeholder(output_format.get("schema") or {}))
    return "ok"

def content_of(turn):
    if turn["type"] == "tool_use":
        return [{"type": "tool_use", "id": turn["id"], "name": turn["name"], "input": turn["input"]}], "tool_use"
    return [{"type": "text", "text": turn["text"]}], "end_turn"

class Handler(http.server.BaseHTTPRequestHandler):
    # Claude Code's client keeps connections alive: answers carry a length or are chunked.
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        route = self.path.split("?")[0]
        try:
            request = json.loads(body) if body else None
        except ValueError:
            request = None
        if not isinstance(request, dict):
            request = None
        with lock:
            turn = None
            if route == "/v1/messages" and request is not None and request.get("tools"):
                turn = counts["turns"]
                counts["turns"] += 1
            counts["messages"] += 1
            number = counts["messages"]
            with open(log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps({"method": self.command, "path": self.path, "turn": turn,
                                      "headers": [[k, v] for k, v in self.headers.items()],
                                      "body": body.decode("utf-8", "replace")}) + "\n")
        if self.command == "POST" and route == "/v1/messages" and request is not None:
            if turn is None:
                content, stop = [{"type": "text", "text": side_answer(request)}], "end_turn"
            else:
                content, stop = content_of(script[turn] if turn < len(script) else {"type": "text", "text": "done"})
            message = {"id": "msg_double_%d" % number, "type": "message", "role": "assistant", "model": request.get("model"),
                       "content": content, "stop_reason": stop, "stop_sequence": None, "usage": USAGE}
            if request.get("stream"):
                self.stream(message, number)
            else:
                self.send_json(200, message, number)
        elif self.command == "POST" and route == "/v1/messages/count_tokens" and request is not None:
            self.send_json(200, {"input_tokens": USAGE["input_tokens"]}, number)
        elif route == "/api/hello":
            self.begin(200, "text/plain", number, {"Content-Length": "0"})
        else:
            self.send_json(404, {"type": "error", "error": {"type": "not_found_error",
                                 "message": "the test double does not serve %s %s" % (self.command, route)}}, number)

    def begin(self, status, content_type, number, headers):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("request-id", "req_double_%d" % number)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def send_json(self, status, value, number):
        data = json.dumps(value).encode()
        self.begin(status, "application/json", number, {"Content-Length": str(len(data))})
        if self.command != "HEAD":
            self.wfile.write(data)

    def stream(self, message, number):
        self.begin(200, "text/event-stream; charset=utf-8", number, {"Cache-Control": "no-cache", "Transfer-Encoding": "chunked"})
        def send(data):
            event = ("event: %s\ndata: %s\n\n" % (data["type"], json.dumps(data))).encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
        send({"type": "message_start", "message": dict(message, content=[], stop_reason=None, usage=dict(USAGE, output_tokens=1))})
        send({"type": "ping"})
        for index, block in enumerate(message["content"]):
            if block["type"] == "tool_use":
                send({"type": "content_block_start", "index": index, "content_block": dict(block, input={})})
                # As the API does: an empty first fragment, then the JSON in pieces that cut through tokens.
                whole = json.dumps(block["input"])
                for piece in [""] + [whole[i:i + 10] for i in range(0, len(whole), 10)]:
                    send({"type": "content_block_delta", "index": index, "delta": {"type": "input_json_delta", "partial_json": piece}})
            else:
                send({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}})
                text = block["text"]
                for piece in [text[i:i + 10] for i in range(0, len(text), 10)]:
                    send({"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}})
            send({"type": "content_block_stop", "index": index})
        send({"type": "message_delta", "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None}, "usage": USAGE})
        send({"type": "message_stop"})
        self.wfile.write(b"0\r\n\r\n")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = answer

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

server = Server(("127.0.0.1", port), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
