//! Sensitive fields (ID numbers, phones): sealed with an AEAD cipher and
//! found again through an HMAC blind index, never stored in plain text.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::path::Path;

use crate::{StoreError, StoreResult};

const KEY_LEN: usize = 64;

/// Bytes of a blind index (stored as twice as many hex digits).
pub const BLIND_INDEX_BYTES: usize = 16;

/// Encrypts and blind-indexes sensitive values with keys from one secret.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
    mac_key: [u8; 32],
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// The first 32 bytes key the cipher, the last 32 the blind index.
    pub fn from_key(key: &[u8; KEY_LEN]) -> Self {
        let mut mac_key = [0u8; 32];
        mac_key.copy_from_slice(&key[32..]);
        Sealer {
            cipher: XChaCha20Poly1305::new_from_slice(&key[..32]).expect("32-byte key"),
            mac_key,
        }
    }

    /// A key from a hex string of 128 characters (as in the key file or config).
    pub fn from_hex(hex_key: &str) -> StoreResult<Self> {
        let bytes = hex::decode(hex_key.trim())
            .map_err(|_| StoreError::Config("the secret key is not hex".into()))?;
        let key: [u8; KEY_LEN] = bytes.try_into().map_err(|_| {
            StoreError::Config(format!(
                "the secret key must be {KEY_LEN} bytes (128 hex characters)"
            ))
        })?;
        Ok(Self::from_key(&key))
    }

    /// Reads the key file, creating it with a random key (mode 0600) on first run.
    pub fn load_or_create(path: &Path) -> StoreResult<Self> {
        let io =
            |e: std::io::Error| StoreError::Internal(format!("key file {}: {e}", path.display()));
        if path.exists() {
            return Self::from_hex(&std::fs::read_to_string(path).map_err(io)?);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut key = [0u8; KEY_LEN];
        rand::rngs::OsRng.fill_bytes(&mut key);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        use std::io::Write;
        let mut f = opts.open(path).map_err(io)?;
        f.write_all(hex::encode(key).as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        Ok(Self::from_key(&key))
    }

    /// Random nonce ‖ ciphertext, base64. The same input seals differently each time.
    pub fn seal(&self, plaintext: &str) -> String {
        // A random 192-bit nonce from the thread's CSPRNG (ChaCha, seeded
        // and reseeded from the OS) rather than a system call per seal.
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plaintext.as_bytes())
            .expect("encryption cannot fail");
        let mut out = nonce.to_vec();
        out.extend(ct);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    pub fn open(&self, sealed: &str) -> StoreResult<String> {
        let bad = || {
            StoreError::Internal(
                "a sealed value could not be opened (wrong key or damaged data)".into(),
            )
        };
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .map_err(|_| bad())?;
        if raw.len() < 24 {
            return Err(bad());
        }
        let pt = self
            .cipher
            .decrypt(XNonce::from_slice(&raw[..24]), &raw[24..])
            .map_err(|_| bad())?;
        String::from_utf8(pt).map_err(|_| bad())
    }

    /// A deterministic keyed digest for exact lookup; `kind` separates
    /// domains so equal strings of different kinds never match. It keeps
    /// 128 of HMAC-SHA256's 256 bits (as HMAC-SHA-256-128 does): far beyond
    /// any chance of two people colliding, and half the index size, which
    /// is what bulk enrolment spends its time writing.
    pub fn blind_index(&self, kind: &str, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key).expect("any key length");
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..BLIND_INDEX_BYTES])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(b: u8) -> Sealer {
        Sealer::from_key(&[b; KEY_LEN])
    }

    #[test]
    fn seal_round_trips_and_hides_the_value() {
        let s = sealer(7);
        let a = s.seal("11010519491231002X");
        let b = s.seal("11010519491231002X");
        assert_ne!(a, b, "random nonces");
        assert!(!a.contains("1101051949"));
        assert_eq!(s.open(&a).unwrap(), "11010519491231002X");
        assert!(sealer(8).open(&a).is_err(), "another key cannot open it");
        let mut tampered = base64::engine::general_purpose::STANDARD
            .decode(&a)
            .unwrap();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(s
            .open(&base64::engine::general_purpose::STANDARD.encode(tampered))
            .is_err());
    }

    #[test]
    fn a_wrong_key_setting_is_a_configuration_error() {
        for bad in ["not hex", "abcd"] {
            assert!(
                matches!(Sealer::from_hex(bad), Err(StoreError::Config(_))),
                "{bad}"
            );
        }
        assert!(Sealer::from_hex(&"ab".repeat(KEY_LEN)).is_ok());
    }

    #[test]
    fn blind_index_is_deterministic_and_keyed() {
        let s = sealer(7);
        assert_eq!(s.blind_index("id", "x"), s.blind_index("id", "x"));
        assert_eq!(s.blind_index("id", "x").len(), 2 * BLIND_INDEX_BYTES);
        assert_ne!(s.blind_index("id", "x"), s.blind_index("phone", "x"));
        assert_ne!(s.blind_index("id", "x"), sealer(8).blind_index("id", "x"));
    }

    #[test]
    fn key_file_is_created_once_with_private_mode() {
        let dir =
            std::env::temp_dir().join(format!("nuanxin-key-{}", crate::sessions::random_token()));
        let path = dir.join("secret.key");
        let a = Sealer::load_or_create(&path).unwrap();
        let b = Sealer::load_or_create(&path).unwrap();
        assert_eq!(a.blind_index("k", "v"), b.blind_index("k", "v"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
