"""Chapter 7: T2's blocking downloads, made concurrent with run_in_executor.

Chapter 4 ran a blocking client inside the tasks: each read stopped the
loop, and the four downloads took 2.5 s one after another. Here the same
blocking client runs on the loop's default executor, one worker thread per
download; the loop only awaits the four results. They take as long as the
longest, about 1.0 s, as the async client did. The file server is chapter
4's: file1.bin to file4.bin, of 1 to 4 chunks of 64 KiB, one chunk every
0.25 s."""
import asyncio
import socket
import threading
import time
import urllib.request

CHUNK = 64 * 1024
FILES = ["file1.bin", "file2.bin", "file3.bin", "file4.bin"]


async def send_file(reader, writer):  # chapter 4's file server
    """GET /fileN.bin sends N chunks, one every 0.25 s."""
    try:
        request = await reader.readuntil(b"\r\n\r\n")
        chunks = next((n for n, file in enumerate(FILES, 1) if request.startswith(f"GET /{file} ".encode())), 0)
        status = "200 OK" if chunks else "404 Not Found"
        writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {chunks * CHUNK}\r\nConnection: close\r\n\r\n".encode())
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


# ANCHOR: fetch
def fetch(port, file, start):
    """A plain blocking download: no async anywhere. Every read blocks the
    thread that calls it, which is why it must not be the loop's."""
    size = 0
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{file}") as response:
        while chunk := response.read(16 * 1024):
            size += len(chunk)
    return report(file, size, start)
# ANCHOR_END: fetch


def report(file, size, start):
    """Prints one finished download (its body size and when it finished)."""
    print(f"  {file}: {size:>6} bytes, done at {time.monotonic() - start:.2f} s")
    return size


# ANCHOR: main
async def main(port):
    print("Blocking client, on worker threads (run_in_executor):")
    loop = asyncio.get_running_loop()
    start = time.monotonic()
    downloads = [loop.run_in_executor(None, fetch, port, file, start) for file in FILES]
    sizes = await asyncio.gather(*downloads)
    print(f"  {sum(sizes)} bytes in {time.monotonic() - start:.2f} s: all downloads at once")


sock = socket.create_server(("127.0.0.1", 0))  # a free port
threading.Thread(target=asyncio.run, args=(file_server(sock),), daemon=True).start()
print("A local file server: 4 files of 1 to 4 chunks, one chunk every 0.25 s.")
asyncio.run(main(sock.getsockname()[1]))
# ANCHOR_END: main
