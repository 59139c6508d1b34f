"""Chapter 4: T2's concurrent downloads, against a local file server.

The script starts its own file server (an asyncio loop in a thread, on a
free loopback port): file1.bin to file4.bin, of 1 to 4 chunks of 64 KiB, one
chunk every 0.25 s. Then it downloads the four files twice, one task per
file both times: with a blocking client inside the tasks (they run one after
another, 2.5 s), and with asyncio.open_connection (all at once, 1.0 s)."""
import asyncio
import socket
import threading
import time
import urllib.request

CHUNK = 64 * 1024
FILES = ["file1.bin", "file2.bin", "file3.bin", "file4.bin"]


# ANCHOR: file_server
async def send_file(reader, writer):
    """GET /fileN.bin sends N chunks, one every 0.25 s."""
    try:
        request = await reader.readuntil(b"\r\n\r\n")
        chunks = next(
            (n for n, file in enumerate(FILES, 1)
             if request.startswith(f"GET /{file} ".encode())),
            0,
        )
        status = "200 OK" if chunks else "404 Not Found"
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Length: {chunks * CHUNK}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        for _ in range(chunks):
            await asyncio.sleep(0.25)
            writer.write(b"x" * CHUNK)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass  # the client is gone, or sent no request
    finally:
        writer.close()


async def file_server(sock):
    server = await asyncio.start_server(send_file, sock=sock)
    await server.serve_forever()
# ANCHOR_END: file_server


# ANCHOR: blocking
async def download_blocking(port, file, start):
    """The tutorial's mistake: a coroutine that calls a blocking client.
    Every read here stops the whole loop until bytes arrive."""
    size = 0
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{file}") as response:
        while chunk := response.read(16 * 1024):
            size += len(chunk)
    return report(file, size, start)
# ANCHOR_END: blocking


# ANCHOR: async
async def download(port, file, start):
    """The same download with asyncio's streams: each read that has to wait
    lets the loop run the other downloads."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /{file} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    received = b""
    while chunk := await reader.read(16 * 1024):
        received += chunk
    writer.close()
    head, _, body = received.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200 "):
        raise RuntimeError(f"{file}: the server did not send it")
    return report(file, len(body), start)
# ANCHOR_END: async


def report(file, size, start):
    """Prints one finished download (its body size and when it finished)."""
    print(f"  {file}: {size:>6} bytes, done at {time.monotonic() - start:.2f} s")
    return size


# ANCHOR: main
async def main(port):
    print("Blocking client inside the tasks (the mistake):")
    start = time.monotonic()
    sizes = await asyncio.gather(
        *(download_blocking(port, file, start) for file in FILES)
    )
    print(
        f"  {sum(sizes)} bytes in {time.monotonic() - start:.2f} s: "
        "one download after another"
    )

    print("Async client:")
    start = time.monotonic()
    sizes = await asyncio.gather(*(download(port, file, start) for file in FILES))
    print(
        f"  {sum(sizes)} bytes in {time.monotonic() - start:.2f} s: "
        "all downloads at once"
    )


def start_file_server():
    """Starts the file server on a thread of its own; returns its port."""
    sock = socket.create_server(("127.0.0.1", 0))  # a free port
    threading.Thread(target=asyncio.run, args=(file_server(sock),), daemon=True).start()
    print("A local file server: 4 files of 1 to 4 chunks, one chunk every 0.25 s.")
    return sock.getsockname()[1]


if __name__ == "__main__":  # chapter 7 imports the server from here
    asyncio.run(main(start_file_server()))
# ANCHOR_END: main
