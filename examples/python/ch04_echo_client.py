"""Chapter 4: many echo clients at once, on one thread."""
import argparse
import asyncio
import time


# ANCHOR: client
async def client(id, port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for n in range(1, 4):
        message = f"client {id}, message {n}\n".encode()
        writer.write(message)
        await writer.drain()
        if await reader.readexactly(len(message)) != message:
            raise RuntimeError(f"client {id}: the echo differs")
    writer.close()
    await writer.wait_closed()
    return 3
# ANCHOR_END: client


# ANCHOR: run
async def main(port, clients):
    start = time.monotonic()
    results = await asyncio.gather(*(client(id, port) for id in range(1, clients + 1)))
    for id, n in enumerate(results, 1):
        print(f"client {id}: {n} messages echoed")
    print(
        f"{clients} clients, {sum(results)} messages, "
        f"{time.monotonic() - start:.2f} s in all"
    )


parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, default=8888)
parser.add_argument("--clients", type=int, default=10)
args = parser.parse_args()
asyncio.run(main(args.port, args.clients))
# ANCHOR_END: run
