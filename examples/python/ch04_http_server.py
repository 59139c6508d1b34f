"""Chapter 4: T4's small web app, without aiohttp: asyncio.start_server and
a tiny HTTP/1.1 parser. GET / and GET /hello/{name} wait 0.5 s each."""
import argparse
import asyncio
import contextlib
import html
import re
import time

MAX_HEAD = 8 * 1024  # the longest request head the server reads


# ANCHOR: routes
def error(status, reason):
    return status, reason, f"<h1>{status} {reason}</h1>"


async def route(method, path):
    """The app: what each route answers. Slow on purpose, as the tutorial's."""
    name = path.removeprefix("/hello/") if path.startswith("/hello/") else None
    if path != "/" and (not name or "/" in name):
        return error(404, "Not Found")
    if method != "GET":
        return error(405, "Method Not Allowed")
    await asyncio.sleep(0.5)
    if path == "/":
        return 200, "OK", "<h1>Index</h1>"
    escaped = html.escape(name).replace("&#x27;", "&#39;")  # as the Rust version
    return 200, "OK", f"<h1>Hello, {escaped}</h1>"
# ANCHOR_END: routes


# ANCHOR: parse
def parse_request_line(head):
    """The method and path of a request head, or raises ValueError (400)."""
    # UnicodeDecodeError is a ValueError
    request_line, *headers = head.decode().split("\r\n")
    method, path, version = request_line.split(" ")  # not three parts: ValueError
    if (
        not re.fullmatch("[A-Z]+", method)
        or not path.startswith("/")
        or version not in ("HTTP/1.0", "HTTP/1.1")
    ):
        raise ValueError(request_line)
    for line in headers:
        name, colon, _ = line.partition(":")
        if not colon or not name or " " in name:
            raise ValueError(line)
    return method, path
# ANCHOR_END: parse


def to_bytes(status, reason, body):
    """The response on the wire. Every response closes the connection."""
    body = body.encode()
    allow = "Allow: GET\r\n" if status == 405 else ""
    head = (f"HTTP/1.1 {status} {reason}\r\n{allow}"
            "Content-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    return head.encode() + body


# ANCHOR: handle
async def handle(reader, writer):
    """Serves one connection: read the request head (within the read
    timeout), answer, close."""
    start = time.monotonic()
    host, port = writer.get_extra_info("peername")[:2]
    peer = f"{host}:{port}"
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), read_timeout)
        method, path = parse_request_line(head[:-4])
        request, response = f"{method} {path}", await route(method, path)
    except TimeoutError:
        print(f"{peer} too slow: closed after the read timeout", flush=True)
        writer.close()
        return
    except asyncio.IncompleteReadError:
        print(f"{peer} gone before its request: unexpected end of file", flush=True)
        writer.close()
        return
    except ConnectionError as err:
        print(f"{peer} gone before its request: {err}", flush=True)
        writer.close()
        return
    except asyncio.LimitOverrunError:  # no blank line in the first MAX_HEAD bytes
        request, response = (
            "(bad request)",
            error(431, "Request Header Fields Too Large"),
        )
    except ValueError:
        request, response = "(bad request)", error(400, "Bad Request")
    status, reason, _ = response
    writer.write(to_bytes(*response))
    try:  # a client that stops reading must not hold its task for ever either
        await asyncio.wait_for(writer.drain(), read_timeout)
        outcome = f"{status} {reason}"
    except TimeoutError:
        writer.transport.abort()
        outcome = f"{status} not sent: the client stopped reading"
    except ConnectionError as err:
        outcome = f"{status} not sent: {err}"
    writer.close()
    print(
        f"{peer} {request} -> {outcome} ({time.monotonic() - start:.3f} s)",
        flush=True,
    )
# ANCHOR_END: handle


# ANCHOR: serve
async def main(port):
    server = await asyncio.start_server(handle, "127.0.0.1", port, limit=MAX_HEAD)
    host, port = server.sockets[0].getsockname()[:2]
    print(f"serving on http://{host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, default=8000)
parser.add_argument("--read-timeout-ms", type=int, default=5000)
args = parser.parse_args()
read_timeout = args.read_timeout_ms / 1000
with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops it quietly
    asyncio.run(main(args.port))
# ANCHOR_END: serve
