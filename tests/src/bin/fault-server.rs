//! Runs the fault server until killed: `fault-server [--port N]`. Prints the base URL on
//! stdout once listening; `GET /_arrivals` returns what it recorded, as JSON.

use std::net::SocketAddr;

use triplane_systests::fault_server::FaultServer;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut port = 0u16;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                port = args.next().and_then(|p| p.parse().ok()).unwrap_or_else(|| {
                    eprintln!("error: `--port` needs a number");
                    std::process::exit(2)
                })
            }
            other => {
                eprintln!("error: unknown argument `{other}`; usage: fault-server [--port N]");
                std::process::exit(2)
            }
        }
    }
    let server = FaultServer::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    println!("{}", server.url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
