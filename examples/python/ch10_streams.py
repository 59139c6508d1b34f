"""Chapter 10: streams. A server that shouts back every line."""
import asyncio


# ANCHOR: main
async def shout(reader, writer):
    while line := await reader.readline():
        writer.write(line.upper())
    # No wait_closed here: main returns as soon as it reads the end, and
    # asyncio.run would cancel a handler still waiting in it.
    writer.close()


async def main():
    server = await asyncio.start_server(shout, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for line in ["hello, streams", "bye"]:
        writer.write(f"{line}\n".encode())
        await writer.drain()
        reply = await reader.readline()
        print(f'sent "{line}", got {reply.decode()}', end="")
    writer.close()
    await writer.wait_closed()
    print(f"server closed too: {'true' if await reader.read(100) == b'' else 'false'}")
    server.close()
# ANCHOR_END: main


asyncio.run(main())
