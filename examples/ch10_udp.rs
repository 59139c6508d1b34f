//! Chapter 10: a UDP echo. The server shouts each datagram back; the
//! client sends three. `python/ch10_udp.py` prints the same lines with
//! asyncio's `create_datagram_endpoint`.

use stepio::{LoopError, UdpSocket, create_task};

// ANCHOR: main
async fn main_task() -> std::io::Result<()> {
    let server = UdpSocket::bind("127.0.0.1:0")?;
    let server_addr = server.local_addr()?;
    let echo = create_task(async move {
        let mut buf = [0; 1500];
        for _ in 0..3 {
            let (n, from) = server.recv_from(&mut buf).await?;
            server.send_to(&buf[..n].to_ascii_uppercase(), from).await?;
        }
        Ok::<_, std::io::Error>(())
    });
    let client = UdpSocket::bind("127.0.0.1:0")?;
    let mut buf = [0; 1500];
    for message in ["one", "two", "three"] {
        client.send_to(message.as_bytes(), server_addr).await?;
        let (n, _) = client.recv_from(&mut buf).await?;
        println!("sent {message}, got {}", String::from_utf8_lossy(&buf[..n]));
    }
    echo.await.expect("the echo task finishes")?;
    println!("Done");
    Ok(())
}
// ANCHOR_END: main

/// Runs the scenario.
pub fn main() -> Result<(), LoopError> {
    stepio::run(main_task())?.map_err(LoopError::Driver)
}
