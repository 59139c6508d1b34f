"""Chapter 4: ten requests at once to the web app of ch04_http_server."""
import argparse
import asyncio
import time


# ANCHOR: get
async def get(port, path):
    """GET path on a new connection: the status line and the body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    host = f"127.0.0.1:{port}"
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    writer.write(request.encode())
    await writer.drain()
    response = (await reader.read()).decode(errors="replace")  # up to EOF
    writer.close()
    head, _, body = response.partition("\r\n\r\n")
    return head.partition("\r\n")[0], body
# ANCHOR_END: get


# ANCHOR: run
async def main(port):
    names = ["ada", "alan", "grace", "linus", "barbara",
             "ken", "dennis", "edsger", "donald"]
    paths = ["/"] + [f"/hello/{name}" for name in names]
    start = time.monotonic()
    responses = await asyncio.gather(*(get(port, path) for path in paths))
    for path, (status, body) in zip(paths, responses):
        print(f"GET {path:<15} {status}  {body}")
    elapsed = time.monotonic() - start
    print(
        f"{len(paths)} requests answered in {elapsed:.2f} s "
        "(one at a time: about 5 s)"
    )


parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, default=8000)
asyncio.run(main(parser.parse_args().port))
# ANCHOR_END: run
