//! Chapter 10: chapter 4's web app again, in a few lines on streams: the
//! two routes, each waiting 0.5 s as the tutorial's, one request per
//! connection. A client in the same program asks both routes at once.
//! `python/ch10_http_streams.py` prints the same lines.
//!
//! Chapter 4's server keeps connections alive, limits every part of a
//! request, answers each fault with its status and escapes the name it
//! puts in its page; this one does none of that, to show how little a
//! reader with `readuntil` leaves to write. Not for the open internet.

use std::time::Duration;

use stepio::{
    LoopError, StreamReader, StreamWriter, gather, open_connection, sleep, start_server,
};

// ANCHOR: main
async fn app(mut reader: StreamReader, writer: StreamWriter) {
    let (status, body) = match reader.readuntil(b"\r\n\r\n").await {
        Ok(head) => {
            let head = String::from_utf8_lossy(&head).into_owned();
            let path = head.split(' ').nth(1).unwrap_or("").to_owned();
            sleep(Duration::from_millis(500)).await;
            match path.strip_prefix("/hello/") {
                _ if path == "/" => ("200 OK", "<h1>Index</h1>".to_owned()),
                Some(name) if !name.is_empty() => {
                    ("200 OK", format!("<h1>Hello, {name}</h1>"))
                }
                _ => ("404 Not Found", "<h1>Not found</h1>".to_owned()),
            }
        }
        Err(_) => ("400 Bad Request", "<h1>Bad request</h1>".to_owned()),
    };
    writer.write(
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    writer.close();
    let _ = writer.wait_closed().await;
}

async fn get(port: u16, path: &str) -> std::io::Result<String> {
    let (mut reader, writer) = open_connection(("127.0.0.1", port)).await?;
    writer.write(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes());
    let mut response = Vec::new();
    loop {
        let chunk = reader.read(4096).await?;
        if chunk.is_empty() {
            break;
        }
        response.extend(chunk);
    }
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.lines().next().unwrap_or("").to_owned();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    Ok(format!("GET {path}: {status}, {body}"))
}

async fn main_task() -> std::io::Result<()> {
    let server = start_server("127.0.0.1:0", app)?;
    let port = server.local_addr().port();
    let paths = ["/", "/hello/streams", "/nowhere"];
    let replies = gather(paths.map(|path| get(port, path))).await.expect("no task fails");
    for reply in replies {
        println!("{}", reply?);
    }
    server.close();
    Ok(())
}
// ANCHOR_END: main

/// Runs the scenario.
pub fn main() -> Result<(), LoopError> {
    stepio::run(main_task())?.map_err(LoopError::Driver)
}
