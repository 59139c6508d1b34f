"""Chapter 10: a UDP echo, with asyncio's datagram endpoints."""
import asyncio


# ANCHOR: main
class Shout(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(data.upper(), addr)


class Client(asyncio.DatagramProtocol):
    def __init__(self):
        self.replies = asyncio.Queue()

    def datagram_received(self, data, addr):
        self.replies.put_nowait(data)


async def main():
    loop = asyncio.get_running_loop()
    server, _ = await loop.create_datagram_endpoint(Shout, local_addr=("127.0.0.1", 0))
    server_addr = server.get_extra_info("sockname")
    client, protocol = await loop.create_datagram_endpoint(
        Client, local_addr=("127.0.0.1", 0))
    for message in ["one", "two", "three"]:
        client.sendto(message.encode(), server_addr)
        reply = await protocol.replies.get()
        print(f"sent {message}, got {reply.decode()}")
    client.close()
    server.close()
    print("Done")
# ANCHOR_END: main


asyncio.run(main())
