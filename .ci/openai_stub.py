#!/usr/bin/env python3
"""A stand-in for OpenAI's images API as it behaves on 2026-11-26, for the smoke test (no paid calls).

POST /v1/images/generations answers like OpenAI: a model it no longer serves (dall-e-2, dall-e-3, gpt-image-1) or
never had is 404 model_not_found; `response_format` or `style` sent to a GPT image model is 400 unknown_parameter; a
size off the GPT image 2 rule is 400; otherwise a real PNG of the requested size (a WebP when asked) with `usage`.
GET /v1/models lists today's models with their shutdown dates. Every request body is appended to the log file, one
JSON object per line, so the smoke test can check what the gateway sent.

Usage: openai_stub.py PORT LOGFILE
"""
import base64
import http.server
import json
import struct
import sys
import zlib

LIVE = {
    "gpt-image-2.6-flare": None, "gpt-image-2.6-sunburst": None, "gpt-image-2.5-flare": None,
    "gpt-image-2.5-flare-2026-09-08": None, "gpt-image-2.5-sunburst": None, "gpt-image-2.5-sunburst-2026-09-08": None,
    "gpt-image-2": None, "gpt-image-2-2026-04-21": None, "gpt-image-1.5": "2026-12-01",
    "gpt-image-1.5-2025-12-16": "2026-12-01", "gpt-image-1-mini": "2026-12-01", "chatgpt-image-latest": "2026-12-01",
}
WEBP = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")


def png(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" + bytes([40, 120, 200]) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height, 1)) + chunk(b"IEND", b""))


def size_error(size):
    if size == "auto":
        return None
    try:
        w, h = (int(v) for v in size.split("x"))
    except ValueError:
        return "Invalid size '%s'" % size
    if w % 16 or h % 16 or max(w, h) > 3840 or max(w, h) > 3 * min(w, h) or not 655360 <= w * h <= 8294400:
        return "Invalid size '%s': sides must be multiples of 16, at most 3840, ratio at most 3:1, 655360-8294400 pixels" % size
    return None


class OpenAi(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, message, param, code):
        self.reply(status, {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}})

    def do_GET(self):
        if self.path != "/v1/models":
            return self.error(404, "Not found", None, None)
        self.reply(200, {"object": "list", "data": [
            {"id": m, "object": "model", "created": 1776729600, "owned_by": "system", "shutdown_date": d} for m, d in LIVE.items()]})

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        with open(sys.argv[2], "a") as log:
            log.write(json.dumps(request) + "\n")
        if self.headers.get("Authorization", "") != "Bearer sk-smoke":
            return self.error(401, "Incorrect API key provided", None, "invalid_api_key")
        model = request.get("model")
        if model not in LIVE:
            return self.error(404, "The model `%s` does not exist or you do not have access to it." % model, None, "model_not_found")
        for legacy in ("response_format", "style"):
            if legacy in request:
                return self.error(400, "Unknown parameter: '%s'." % legacy, legacy, "unknown_parameter")
        size = request.get("size", "auto")
        problem = size_error(size)
        if problem:
            return self.error(400, problem, "size", "invalid_value")
        w, h = (1024, 1024) if size == "auto" else (int(v) for v in size.split("x"))
        fmt = request.get("output_format", "png")
        image = WEBP if fmt == "webp" else png(w, h)
        n = int(request.get("n", 1))
        self.reply(200, {
            "created": 1795700000, "background": "opaque", "output_format": fmt, "quality": request.get("quality", "medium"),
            "size": "%dx%d" % (w, h), "data": [{"b64_json": base64.b64encode(image).decode()} for _ in range(n)],
            "usage": {"input_tokens": 20, "input_tokens_details": {"text_tokens": 20, "image_tokens": 0},
                      "output_tokens": 1056, "total_tokens": 1076}})

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), OpenAi).serve_forever()
