//! Chapter 10: streams. A server that shouts back every line, and a client
//! that sends two, both on asyncio-style readers and writers.
//! `python/ch10_streams.py` prints the same lines with `asyncio.start_server`
//! and `asyncio.open_connection`.

use stepio::{LoopError, StreamReader, StreamWriter, open_connection, start_server};

// ANCHOR: main
async fn shout(mut reader: StreamReader, writer: StreamWriter) {
    loop {
        match reader.readline().await {
            Ok(line) if !line.is_empty() => writer.write(&line.to_ascii_uppercase()),
            _ => break, // end of stream, or an error: hang up
        }
    }
    writer.close();
    let _ = writer.wait_closed().await;
}

async fn main_task() -> std::io::Result<()> {
    let server = start_server("127.0.0.1:0", shout)?;
    let (mut reader, writer) = open_connection(server.local_addr()).await?;
    for line in ["hello, streams", "bye"] {
        writer.write(format!("{line}\n").as_bytes());
        writer.drain().await?;
        let reply = reader.readline().await.map_err(std::io::Error::other)?;
        print!("sent {line:?}, got {}", String::from_utf8_lossy(&reply));
    }
    writer.close();
    writer.wait_closed().await?;
    println!("server closed too: {}", reader.read(100).await?.is_empty());
    server.close();
    Ok(())
}
// ANCHOR_END: main

/// Runs the scenario.
pub fn main() -> Result<(), LoopError> {
    stepio::run(main_task())?.map_err(LoopError::Driver)
}
