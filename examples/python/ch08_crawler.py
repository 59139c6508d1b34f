"""Chapter 8, the capstone: a web crawler in plain asyncio.

The script serves its own site on a free loopback port: 13 pages, each
linking to two more and back home; page 5 is slow, page 7 never answers in
time, and page 11 links to a page that does not exist. The crawler uses a
bounded asyncio.Queue of URLs feeding 4 worker tasks, which stop on a
sentinel and are gathered at the end; each request is an
asyncio.open_connection with a 1 s asyncio.wait_for; the HTML is parsed in
asyncio.to_thread, off the loop; queue.join() waits until every URL found
has been handled. The pages are printed sorted, with a summary."""
import asyncio
import time

PAGES = 13
WORKERS = 4
QUEUE_SIZE = 10
REQUEST_TIMEOUT = 1.0


# ANCHOR: site
async def site(reader, writer):
    """The site: / and /page/1 to /page/12. Page i links to pages 2i + 1
    and 2i + 2 and back to /; page 11 also links to /missing. Every page
    takes 0.1 s, page 5 takes 0.5 s, and page 7 takes 5 s (longer than the
    crawler waits)."""
    try:
        request = (await reader.readuntil(b"\r\n\r\n")).decode(errors="replace")
        words = request.split()
        path = words[1] if len(words) > 1 else "/"
        number = path.removeprefix("/page/")
        if path == "/":
            page = 0
        elif number != path and number.isdecimal() and 1 <= int(number) < PAGES:
            page = int(number)
        else:
            page = None
        if page is None:
            status, body = "404 Not Found", "<h1>Not found</h1>"
        else:
            await asyncio.sleep({5: 0.5, 7: 5.0}.get(page, 0.1))
            links = [
                f"/page/{k}" for k in (2 * page + 1, 2 * page + 2) if k < PAGES
            ] + ["/"]
            if page == 11:
                links.append("/missing")
            anchors = "".join(f'<a href="{link}">{link}</a>\n' for link in links)
            status, body = "200 OK", f"<h1>Page {page}</h1>\n{anchors}"
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n{body}".encode()
        )
        await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass  # the client is gone, or sent no request
    except asyncio.CancelledError:
        # The script is ending, page 7 still sleeping: asyncio.run cancels
        # what is left. Ending quietly spares us the traceback that some
        # Python versions (3.11.7 here) print for a cancelled handler.
        pass
    finally:
        writer.close()
# ANCHOR_END: site


# ANCHOR: fetch
async def fetch(port, path):
    """GETs path: the status code and the body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        response = (await reader.read()).decode(errors="replace")  # to the end
    finally:
        writer.close()  # also when wait_for cancels us
    words = response.split()
    if len(words) < 2 or not words[1].isdecimal():
        raise ConnectionError(f"{path}: not an HTTP response")
    return int(words[1]), response.partition("\r\n\r\n")[2]


def parse_links(html):
    """The links of a page: every href="...". Runs on a worker thread."""
    return [rest.split('"', 1)[0] for rest in html.split('href="')[1:] if '"' in rest]
# ANCHOR_END: fetch


# ANCHOR: worker
async def worker(port, queue, seen, outcomes):
    """A worker: take a URL, fetch it (1 s at most), parse it on a thread,
    queue the links not seen yet; stop at the sentinel None."""
    handled = 0
    while (path := await queue.get()) is not None:
        try:
            status, body = await asyncio.wait_for(fetch(port, path), REQUEST_TIMEOUT)
        except TimeoutError:  # before OSError: TimeoutError is one
            outcomes[path] = "timed out"
        except OSError as err:
            outcomes[path] = ("failed", str(err))
        else:
            if status == 404:
                outcomes[path] = "not found"
            else:
                links = await asyncio.to_thread(parse_links, body)
                for link in links:
                    if link not in seen:
                        seen.add(link)
                        # waits while the queue is full: back-pressure
                        await queue.put(link)
                outcomes[path] = ("fetched", len(links))
        queue.task_done()
        handled += 1
    return handled
# ANCHOR_END: worker


# ANCHOR: main
async def main():
    """Serves the site, crawls it, prints what it found."""
    # The Rust example serves the site on a thread of its own, with its own
    # loop; here it shares the crawler's loop, which neither side blocks.
    server = await asyncio.start_server(site, "127.0.0.1", 0)  # a free port
    port = server.sockets[0].getsockname()[1]
    print(
        f"A site of {PAGES} pages on loopback "
        "(page 5 is slow, page 7 never answers in time)."
    )
    print(
        f"Crawling with {WORKERS} workers, a queue of {QUEUE_SIZE} URLs, "
        f"{REQUEST_TIMEOUT:g}s per request:"
    )
    start = time.monotonic()
    queue = asyncio.Queue(maxsize=QUEUE_SIZE)
    seen = {"/"}  # every URL ever queued: each is fetched once
    outcomes = {}
    workers = [
        asyncio.create_task(worker(port, queue, seen, outcomes))
        for _ in range(WORKERS)
    ]
    await queue.put("/")
    await queue.join()  # every URL queued has been handled (its task_done called)
    for _ in range(WORKERS):
        await queue.put(None)
    handled = sum(await asyncio.gather(*workers))
    elapsed = time.monotonic() - start
    # Page 7's handler still sleeps: stop listening, and leave the handler
    # to asyncio.run, which cancels the tasks still pending when main returns.
    # (No server.wait_closed(): newer Pythons make it wait for the handlers.)
    server.close()

    fetched = links = missing = timed_out = 0
    for path in sorted(outcomes):
        match outcomes[path]:
            case ("fetched", n):
                fetched += 1
                links += n
                what = f"200, {n} link{'' if n == 1 else 's'}"
            case "not found":
                missing += 1
                what = "404 not found"
            case "timed out":
                timed_out += 1
                what = f"no answer within {REQUEST_TIMEOUT:g}s"
            case ("failed", err):
                what = f"failed: {err}"
        print(f"  {path:<10} {what}")
    print(
        f"{handled} URLs: {fetched} pages, {links} links, {missing} not found, "
        f"{timed_out} timed out, in {elapsed:.2f} s."
    )


asyncio.run(main())
# ANCHOR_END: main
