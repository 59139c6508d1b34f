"""Chapter 3: count_down, one after the other (blocking sleeps)."""
import time


# ANCHOR: count_down
def count_down(name, delay, start):
    indent = "\t" * (ord(name) - ord("A"))
    for n in (3, 2, 1):
        time.sleep(delay)  # blocks the thread
        print("-" * 40)
        print(f"{time.perf_counter() - start:.4f} \t{indent}{name} = {n}")
# ANCHOR_END: count_down


# ANCHOR: main
start = time.perf_counter()
count_down("A", 1.0, start)
count_down("B", 0.8, start)
count_down("C", 0.5, start)
print("-" * 40)
print(f"Done in {time.perf_counter() - start:.4f} s")
# ANCHOR_END: main
