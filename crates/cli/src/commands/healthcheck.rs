//! `nuanxin healthcheck`: for container health checks, a plain HTTP/1.1
//! `GET /readyz` over a TCP socket (no HTTP client dependency for one
//! request). Exit 0 on 200, 1 on anything else.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::cli::HealthcheckArgs;
use crate::config::Settings;
use crate::error::UserError;

const TIMEOUT: Duration = Duration::from_secs(5);

/// An `http://host[:port][/base]` URL, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// As written in the URL (IPv6 without brackets), for connecting.
    pub host: String,
    pub port: u16,
    /// The base path without a trailing slash (`""` at the root).
    pub base: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, UserError> {
        let bad = |why: &str| {
            UserError::new(format!(
                "health-check URL {url:?} {why}; e.g. http://127.0.0.1:8080"
            ))
        };
        let rest = url
            .trim()
            .strip_prefix("http://")
            .ok_or_else(|| bad("must start with http://"))?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("has an unclosed [ in its host"))?;
            (h.to_string(), after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            }
        };
        if host.is_empty() {
            return Err(bad("has no host"));
        }
        let port = match port {
            None => 80,
            Some(p) => p.parse().map_err(|_| bad("has an invalid port"))?,
        };
        Ok(Target {
            host,
            port,
            base: path.trim_end_matches('/').to_string(),
        })
    }

    fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == 80 {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

/// The server's own address, with a wildcard listen address (`0.0.0.0`)
/// replaced by loopback, which is where a health check runs.
pub fn default_url(listen: SocketAddr) -> String {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, listen.port()))
}

/// Sends the request and returns the status code of the answer.
pub async fn probe(t: &Target, path: &str) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect((t.host.as_str(), t.port)).await?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: nuanxin-healthcheck\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        t.host_header()
    );
    stream.write_all(request.as_bytes()).await?;
    // Only the status line matters; read until it is complete.
    let mut buf = Vec::with_capacity(256);
    let mut chunk = [0u8; 256];
    while !buf.windows(2).any(|w| w == b"\r\n") && buf.len() < 8192 {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    parse_status(&buf).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, "the answer is not HTTP")
    })
}

/// `HTTP/1.1 200 OK` → 200.
fn parse_status(buf: &[u8]) -> Option<u16> {
    let line = buf.split(|b| *b == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split(' ');
    parts.next().filter(|v| v.starts_with("HTTP/1."))?;
    parts.next()?.parse().ok()
}

pub async fn run(settings: &Settings, args: &HealthcheckArgs) -> anyhow::Result<ExitCode> {
    let url = args
        .url
        .clone()
        .unwrap_or_else(|| default_url(settings.listen));
    let target = Target::parse(&url)?;
    let path = format!("{}/readyz", target.base);
    let shown = format!("http://{}{path}", target.host_header());
    match tokio::time::timeout(TIMEOUT, probe(&target, &path)).await {
        Ok(Ok(200)) => {
            println!("ready: {shown} answered 200");
            Ok(ExitCode::SUCCESS)
        }
        Ok(Ok(status)) => {
            eprintln!("not ready: {shown} answered {status}");
            Ok(ExitCode::from(1))
        }
        Ok(Err(e)) => {
            eprintln!("not ready: {shown}: {e}");
            Ok(ExitCode::from(1))
        }
        Err(_) => {
            eprintln!(
                "not ready: {shown} did not answer within {} s",
                TIMEOUT.as_secs()
            );
            Ok(ExitCode::from(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = Target::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.base.as_str()),
            ("127.0.0.1", 8080, "")
        );
        let t = Target::parse("http://[::1]:9000/nuanxin/").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.base.as_str()),
            ("::1", 9000, "/nuanxin")
        );
        assert_eq!(t.host_header(), "[::1]:9000");
        assert_eq!(Target::parse("http://example.org").unwrap().port, 80);
        assert!(Target::parse("https://example.org").is_err());
        assert!(Target::parse("http://:80").is_err());
        assert!(Target::parse("http://h:99999").is_err());
    }

    #[test]
    fn default_url_uses_loopback_for_wildcards() {
        assert_eq!(
            default_url("0.0.0.0:8080".parse().unwrap()),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            default_url("[::]:8080".parse().unwrap()),
            "http://[::1]:8080"
        );
        assert_eq!(
            default_url("10.0.0.5:81".parse().unwrap()),
            "http://10.0.0.5:81"
        );
    }

    #[test]
    fn status_lines() {
        assert_eq!(
            parse_status(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"),
            Some(200)
        );
        assert_eq!(
            parse_status(b"HTTP/1.0 503 Service Unavailable\r\n"),
            Some(503)
        );
        assert_eq!(parse_status(b"SSH-2.0-OpenSSH\r\n"), None);
    }

    #[tokio::test]
    async fn probes_a_tiny_server() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let n = s.read(&mut buf).await.unwrap();
            let req = String::from_utf8_lossy(&buf[..n]).to_string();
            s.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
                .await
                .unwrap();
            req
        });
        let t = Target::parse(&format!("http://127.0.0.1:{port}")).unwrap();
        assert_eq!(probe(&t, "/readyz").await.unwrap(), 503);
        let req = server.await.unwrap();
        assert!(req.starts_with("GET /readyz HTTP/1.1\r\n"), "{req}");
        assert!(req.contains(&format!("Host: 127.0.0.1:{port}\r\n")));
    }
}
