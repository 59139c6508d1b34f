"""Chapter 10: Ctrl-C in asyncio.run, sent by the program to itself."""
import asyncio
import os


# ANCHOR: main
async def main():
    try:
        print("main: working; a Ctrl-C is on its way")
        kill = await asyncio.create_subprocess_exec("kill", "-INT", str(os.getpid()))
        await kill.wait()
        await asyncio.sleep(1)
        print("main: finished")
    except asyncio.CancelledError:
        print("main: cancelled, cleaning up")
        raise


try:
    asyncio.run(main())
except KeyboardInterrupt:
    print("run: KeyboardInterrupt")
# ANCHOR_END: main
