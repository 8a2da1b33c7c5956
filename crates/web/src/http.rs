//! Small HTTP helpers that know nothing of Nuanxin: cookies, the client's
//! address, constant-time comparison, URL encoding. Everything else in the
//! crate may import this module; it imports nothing of ours.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};

/// One cookie's value. Parsing the `Cookie` header is a few lines; a cookie
/// crate would add signing and jars this server does not use.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when configured.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(s) = max_age {
        c.push_str(&format!("; Max-Age={s}"));
    }
    c
}

/// The client's address: the socket peer, or the first `X-Forwarded-For`
/// hop when the server is configured to sit behind a proxy.
pub fn client_ip(parts: &Parts, trust_proxy: bool) -> Option<String> {
    if trust_proxy {
        if let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
        {
            return Some(ip);
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// Compares secrets in constant time (by comparing their digests).
pub fn same_secret(a: &str, b: &str) -> bool {
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

/// Percent-encodes all but unreserved characters and `/`, for a path or a
/// query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_parsed() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; nx_session=abc; nx_lang=en".parse().unwrap(),
        );
        assert_eq!(cookie(&h, "nx_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "nx_lang").as_deref(), Some("en"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn secrets_compare() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("", "abc"));
    }

    #[test]
    fn cookie_attributes() {
        assert_eq!(
            set_cookie("n", "v", true, None),
            "n=v; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
        assert!(set_cookie("n", "", false, Some(0)).ends_with("Max-Age=0"));
    }
}
