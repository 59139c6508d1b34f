"""Chapter 10: chapter 4's web app again, in a few lines on streams."""
import asyncio


# ANCHOR: main
async def app(reader, writer):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        path = head.decode().split(" ")[1]
        await asyncio.sleep(0.5)
        if path == "/":
            status, body = "200 OK", "<h1>Index</h1>"
        elif path.startswith("/hello/") and path[len("/hello/"):]:
            status, body = "200 OK", f"<h1>Hello, {path[len('/hello/'):]}</h1>"
        else:
            status, body = "404 Not Found", "<h1>Not found</h1>"
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, IndexError):
        status, body = "400 Bad Request", "<h1>Bad request</h1>"
    writer.write(
        f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n\r\n{body}".encode())
    writer.close()


async def get(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    response = (await reader.read()).decode()
    writer.close()
    status = response.split("\r\n")[0]
    body = response.split("\r\n\r\n")[1]
    return f"GET {path}: {status}, {body}"


async def main():
    server = await asyncio.start_server(app, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    replies = await asyncio.gather(*(get(port, p) for p in ["/", "/hello/streams", "/nowhere"]))
    for reply in replies:
        print(reply)
    server.close()
# ANCHOR_END: main


asyncio.run(main())
