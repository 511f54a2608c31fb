//! minisign keys and signatures.
//!
//! Keys and signature files are in minisign's format, so the standard `minisign -V` verifies
//! a bundle. Signing is done here rather than by `minisign::sign`, because that function adds
//! random noise to each Ed25519 signature (hedged signing): two exports with the same key
//! would then differ, and a bundle must be byte-for-byte reproducible. Plain RFC 8032
//! Ed25519 is deterministic and verifies the same way. The rest (key files, parsing,
//! verification) is the `minisign` crate's.

use std::io::Cursor;
use std::path::Path;

use blake2::{Blake2b512, Digest};
use ct_codecs::{Base64, Encoder};
use minisign::{PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};

/// Environment variable holding the password of an encrypted secret key.
pub const PASSWORD_ENV: &str = "TRIPLANE_KEY_PASSWORD";

const UNTRUSTED_COMMENT: &str = "signature from a triplane secret key";

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("cannot read key `{path}`: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("`{path}` is not a usable minisign secret key: {message}")]
    SecretKey { path: String, message: String },
    #[error("`{path}` is not a minisign public key: {message}")]
    PublicKey { path: String, message: String },
    #[error("cannot sign: {0}")]
    Sign(String),
    #[error("cannot write `{path}`: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("`{path}` already exists; keygen never overwrites a key")]
    Exists { path: String },
}

/// A secret key ready to sign, kept in memory only.
pub struct SigningKey {
    keynum: [u8; 8],
    key: ed25519_compact::SecretKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material, even in debug output.
        f.write_str("SigningKey(..)")
    }
}

impl SigningKey {
    /// Reads a minisign secret key file; an encrypted one needs [`PASSWORD_ENV`].
    pub fn from_file(path: &Path) -> Result<SigningKey, SignError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|source| SignError::Read { path: p.clone(), source })?;
        let bad = |message: String| SignError::SecretKey { path: p.clone(), message };
        let sk_box = SecretKeyBox::from_string(&text).map_err(|e| bad(e.to_string()))?;
        let sk = match SecretKey::from_unencrypted_box(sk_box.clone()) {
            Ok(sk) => sk,
            Err(_) => {
                let password = std::env::var(PASSWORD_ENV)
                    .map_err(|_| bad(format!("the key is encrypted; set {PASSWORD_ENV}")))?;
                SecretKey::from_box(sk_box, Some(password)).map_err(|e| bad(e.to_string()))?
            }
        };
        // Layout of minisign's secret key: algorithm ids (6 bytes), KDF salt and limits
        // (48), key id (8), Ed25519 secret key as seed and public key (64), checksum (32).
        let bytes = sk.to_bytes();
        if bytes.len() != 158 {
            return Err(bad(format!("unexpected key length {}", bytes.len())));
        }
        let mut keynum = [0u8; 8];
        keynum.copy_from_slice(&bytes[54..62]);
        let key = ed25519_compact::SecretKey::from_slice(&bytes[62..126])
            .map_err(|e| bad(e.to_string()))?;
        Ok(SigningKey { keynum, key })
    }

    /// The minisign signature file of `data`: prehashed (BLAKE2b-512), with the given
    /// trusted comment and a fixed untrusted one.
    pub fn sign(&self, data: &[u8], trusted_comment: &str) -> Result<String, SignError> {
        let prehash = Blake2b512::digest(data);
        let sig = self.key.sign(prehash, None);
        let mut sig_line = Vec::with_capacity(74);
        sig_line.extend_from_slice(b"ED");
        sig_line.extend_from_slice(&self.keynum);
        sig_line.extend_from_slice(sig.as_ref());

        let mut global = sig.as_ref().to_vec();
        global.extend_from_slice(trusted_comment.as_bytes());
        let global_sig = self.key.sign(&global, None);

        let b64 =
            |b: &[u8]| Base64::encode_to_string(b).map_err(|e| SignError::Sign(e.to_string()));
        Ok(format!(
            "untrusted comment: {UNTRUSTED_COMMENT}\n{}\ntrusted comment: {trusted_comment}\n{}\n",
            b64(&sig_line)?,
            b64(global_sig.as_ref())?
        ))
    }
}

/// Checks a minisign signature of `data`; returns the trusted comment.
pub fn verify(pubkey: &Path, signature: &str, data: &[u8]) -> Result<String, String> {
    let text = std::fs::read_to_string(pubkey)
        .map_err(|e| format!("cannot read `{}`: {e}", pubkey.display()))?;
    let pk = PublicKeyBox::from_string(&text)
        .and_then(|b| b.into_public_key())
        .map_err(|e| format!("`{}` is not a minisign public key: {e}", pubkey.display()))?;
    let sig =
        SignatureBox::from_string(signature).map_err(|e| format!("malformed signature: {e}"))?;
    minisign::verify(&pk, &sig, Cursor::new(data), true, false, false)
        .map_err(|e| e.to_string())?;
    sig.trusted_comment().map_err(|e| e.to_string())
}

/// Paths written by [`keygen`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct KeyFiles {
    pub secret_key: String,
    pub public_key: String,
}

/// Writes a new unencrypted key pair into `dir` (`triplane.key`, mode 0600, and
/// `triplane.pub`); refuses to overwrite.
pub fn keygen(dir: &Path) -> Result<KeyFiles, SignError> {
    let sk_path = dir.join("triplane.key");
    let pk_path = dir.join("triplane.pub");
    for p in [&sk_path, &pk_path] {
        if p.exists() {
            return Err(SignError::Exists { path: p.display().to_string() });
        }
    }
    let write_err = |p: &Path| {
        let path = p.display().to_string();
        move |source| SignError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    let pair = minisign::KeyPair::generate_unencrypted_keypair()
        .map_err(|e| SignError::Sign(e.to_string()))?;
    let sk =
        pair.sk.to_box(Some("triplane secret key")).map_err(|e| SignError::Sign(e.to_string()))?;
    let pk = pair.pk.to_box().map_err(|e| SignError::Sign(e.to_string()))?;

    write_private(&sk_path, sk.into_string().as_bytes()).map_err(write_err(&sk_path))?;
    std::fs::write(&pk_path, pk.into_string()).map_err(write_err(&pk_path))?;
    Ok(KeyFiles {
        secret_key: sk_path.display().to_string(),
        public_key: pk_path.display().to_string(),
    })
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // FIXME: no owner-only permission on this platform; the OS config dir is per user.
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_deterministic_and_verify() {
        let dir = tempfile::tempdir().unwrap();
        let keys = keygen(dir.path()).unwrap();
        let key = SigningKey::from_file(Path::new(&keys.secret_key)).unwrap();
        let a = key.sign(b"manifest", "deployment sha256:00").unwrap();
        let b = key.sign(b"manifest", "deployment sha256:00").unwrap();
        assert_eq!(a, b, "same key and data must give the same signature bytes");
        let comment = verify(Path::new(&keys.public_key), &a, b"manifest").unwrap();
        assert_eq!(comment, "deployment sha256:00");
        assert!(
            verify(Path::new(&keys.public_key), &a, b"manifesT").is_err(),
            "a changed byte fails"
        );
    }

    #[test]
    fn keygen_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        keygen(dir.path()).unwrap();
        assert!(matches!(keygen(dir.path()), Err(SignError::Exists { .. })));
    }
}
