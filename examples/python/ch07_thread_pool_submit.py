"""Chapter 7: T4's ThreadPoolExecutor(max_workers=2), no event loop at all.

Two jobs sleep 3 s and return "hello" and "world". Both run at once, one
per worker: after 1 s neither is done, after 4 s both are, and result()
gives their values."""
import time
from concurrent.futures import ThreadPoolExecutor


# ANCHOR: job
def job(word):
    """Sleeps 3 s (blocking its worker thread), then returns word."""
    time.sleep(3)
    return word
# ANCHOR_END: job


def done(*futures):
    """"yes" or "no" for each future's done()."""
    return ", ".join("yes" if future.done() else "no" for future in futures)


# ANCHOR: main
start = time.monotonic()
executor = ThreadPoolExecutor(max_workers=2)
hello = executor.submit(job, "hello")
world = executor.submit(job, "world")
print(f"{time.monotonic() - start:.4f}: submitted two jobs to a pool of 2 workers")

time.sleep(1)
print(f"{time.monotonic() - start:.4f}: done? {done(hello, world)}")
time.sleep(3)
print(f"{time.monotonic() - start:.4f}: done? {done(hello, world)}")

print(f"{time.monotonic() - start:.4f}: results: {hello.result()} {world.result()}")
executor.shutdown(wait=True)
# ANCHOR_END: main
