//! `jeju health`: asks a running `jeju serve` for `/api/health`; the exit code says whether
//! it answers questions. The container's HEALTHCHECK runs it (Debian's `sh` has no
//! `/dev/tcp`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use jeju_api::{Health, HealthStatus};

use crate::cli::HealthArgs;

/// Where to ask: a server listening on every address is asked on loopback.
pub(crate) fn target(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

pub async fn health(args: &HealthArgs) -> Result<()> {
    let url = format!("http://{}/api/health", target(args.addr));
    let timeout = Duration::from_secs_f64(args.timeout.clamp(0.1, 300.0));
    let client = reqwest::Client::builder().timeout(timeout).build()?;
    let response = client
        .get(&url)
        .send()
        .await
        .with_context(|| format!("{url}: no answer (is `jeju serve` running?)"))?;
    let status = response.status();
    let health: Health = response
        .json()
        .await
        .with_context(|| format!("{url}: not a health answer (HTTP {status})"))?;
    println!("{}", serde_json::to_string(&health)?);
    match health.status {
        HealthStatus::Ok | HealthStatus::Degraded => Ok(()),
        HealthStatus::Down => bail!("{url}: the service is down (the graph does not answer)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_on_every_address_is_asked_on_loopback() {
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(target(any), "127.0.0.1:8080".parse().unwrap());
        let any6: SocketAddr = "[::]:9000".parse().unwrap();
        assert_eq!(target(any6), "[::1]:9000".parse().unwrap());
        let own: SocketAddr = "10.0.0.5:8080".parse().unwrap();
        assert_eq!(target(own), own);
    }
}
