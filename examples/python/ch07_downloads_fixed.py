"""Chapter 7: T2's blocking downloads, made concurrent with run_in_executor.

Chapter 4 ran a blocking client inside the tasks: each read stopped the
loop, and the four downloads took 2.5 s one after another. Here the same
blocking client runs on the loop's default executor, one worker thread per
download; the loop only awaits the four results. They take as long as the
longest, about 1.0 s, as the async client did. The file server is chapter
4's: file1.bin to file4.bin, of 1 to 4 chunks of 64 KiB, one chunk every
0.25 s."""
import asyncio
import time
import urllib.request

from ch04_downloads import FILES, report, start_file_server  # chapter 4's file server


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


# ANCHOR: main
async def main(port):
    print("Blocking client, on worker threads (run_in_executor):")
    loop = asyncio.get_running_loop()
    start = time.monotonic()
    downloads = [loop.run_in_executor(None, fetch, port, file, start) for file in FILES]
    sizes = await asyncio.gather(*downloads)
    print(
        f"  {sum(sizes)} bytes in {time.monotonic() - start:.2f} s: "
        "all downloads at once"
    )


asyncio.run(main(start_file_server()))
# ANCHOR_END: main
