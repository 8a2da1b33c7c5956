//! The address that QR codes and links are built on. A poster encodes it
//! once and is printed by the thousand, so it must be the address workers'
//! phones reach, not the intranet address an officer opened the console
//! through: the `public_base_url` setting, else the request's own address
//! (with the proxy's scheme when the proxy is trusted).

use std::net::IpAddr;

use axum::http::{header, HeaderMap};

use crate::AppState;

/// Checks a configured base URL: `http(s)://host[:port][/prefix]`, with no
/// query or fragment. Returned without a trailing slash.
pub fn parse(raw: &str) -> Result<String, &'static str> {
    let raw = raw.trim();
    let rest = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
        .ok_or("must start with https:// or http://")?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.contains('@') {
        return Err("must name a host, e.g. https://nuanxin.example.org");
    }
    if !raw.chars().all(|c| c.is_ascii_graphic()) || raw.contains(['?', '#']) {
        return Err("must be plain ASCII with no spaces, query or fragment");
    }
    Ok(raw.trim_end_matches('/').to_string())
}

/// The base of every absolute link this request hands out.
pub fn of_request(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(base) = &state.config.public_base_url {
        return base.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.chars().all(|c| c.is_ascii_graphic()))
        .unwrap_or("127.0.0.1:8080");
    let forwarded = state
        .config
        .trust_proxy
        .then(|| headers.get("x-forwarded-proto")?.to_str().ok())
        .flatten()
        .map(|p| {
            p.split(',')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let scheme = match forwarded.as_deref() {
        Some("https") => "https",
        Some("http") => "http",
        _ if state.config.secure_cookies => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

/// The absolute URL of a path on this server.
pub fn absolute(state: &AppState, headers: &HeaderMap, path: &str) -> String {
    format!("{}{path}", of_request(state, headers))
}

/// True when no public base URL is set and `url` names a host a phone on
/// the street cannot reach: loopback, a private or link-local address, or
/// a bare intranet name.
pub fn unreachable_from_outside(state: &AppState, url: &str) -> bool {
    state.config.public_base_url.is_none() && is_private(url)
}

fn is_private(url: &str) -> bool {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or("");
    // `[::1]:8080`, `10.1.2.3:8080`, `host:8080`
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => {
            ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified()
        }
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                // fc00::/7 unique local, fe80::/10 link-local
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => {
            let h = host.to_ascii_lowercase();
            h == "localhost"
                || h.ends_with(".localhost")
                || h.ends_with(".local")
                || !h.contains('.')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_base_url() {
        assert_eq!(
            parse("https://nx.example.org/").unwrap(),
            "https://nx.example.org"
        );
        assert_eq!(
            parse("http://1.2.3.4:8080/nx").unwrap(),
            "http://1.2.3.4:8080/nx"
        );
        for bad in [
            "nx.example.org",
            "ftp://x",
            "https://",
            "https://a b",
            "https://x/?q",
            "https://u@x",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tells_private_addresses() {
        for private in [
            "http://10.1.2.3:8080/join/x",
            "http://127.0.0.1:8080/join/x",
            "http://192.168.1.5/join/x",
            "http://172.20.0.1/join/x",
            "http://[::1]:8080/join/x",
            "http://localhost:8080/join/x",
            "http://intranet/join/x",
        ] {
            assert!(is_private(private), "{private}");
        }
        for public in [
            "https://nx.example.org/join/x",
            "http://8.8.8.8/join/x",
            "http://[2001:db8::1]/",
        ] {
            assert!(!is_private(public), "{public}");
        }
    }
}
