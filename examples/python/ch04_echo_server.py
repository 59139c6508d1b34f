"""Chapter 4: an echo server. Every client gets a task; one thread serves them all."""
import argparse
import asyncio
import contextlib
import sys


# ANCHOR: echo
async def echo(reader, writer):
    host, port = writer.get_extra_info("peername")[:2]
    peer = f"{host}:{port}"
    print(f"{peer} connected", flush=True)
    try:
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
    except OSError as err:
        print(f"{peer}: {err}", file=sys.stderr)
        return
    finally:
        writer.close()
    print(f"{peer} disconnected", flush=True)
# ANCHOR_END: echo


# ANCHOR: main
async def main(port):
    server = await asyncio.start_server(echo, "127.0.0.1", port)
    host, port = server.sockets[0].getsockname()[:2]
    print(f"echo server listening on {host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, default=8888)
with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops it quietly
    asyncio.run(main(parser.parse_args().port))
# ANCHOR_END: main
