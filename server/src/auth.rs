//! Who may call which Solr route: HTTP Basic credentials, checked as Solr's
//! `BasicAuthPlugin` checks them for CKAN's `solr_user` / `solr_password`.
//!
//! CKAN sends `Authorization: Basic …` on every request when both are set, and
//! `Authorization: Basic Og==` (an empty user and password) on its schema check when they
//! are empty; a route without credentials configured therefore ignores the header entirely.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// One user name and password a request must present.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    user: String,
    password: String,
}

impl Credentials {
    /// The pair a request must send.
    pub fn new(user: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            user: user.into(),
            password: password.into(),
        }
    }

    /// The user name (for logs; the password is never shown).
    pub fn user(&self) -> &str {
        &self.user
    }

    /// Whether `user:password` (the decoded Basic token) matches, in time independent of
    /// where the first difference is, so a client cannot guess byte by byte.
    fn matches(&self, user: &[u8], password: &[u8]) -> bool {
        // Both halves are always compared: no short-circuit on the user name.
        let user_ok = constant_time_eq(self.user.as_bytes(), user);
        let password_ok = constant_time_eq(self.password.as_bytes(), password);
        user_ok & password_ok
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"***")
            .finish()
    }
}

/// Which route groups need credentials. `None` leaves a group open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthConfig {
    /// `select`, `schema`, `admin/file`, `admin/ping`, `get`.
    pub read: Option<Credentials>,
    /// `update`.
    pub update: Option<Credentials>,
}

impl AuthConfig {
    /// No authentication anywhere (the default, as CKAN's default Solr).
    pub fn off() -> Self {
        Self::default()
    }

    /// The same credentials for every route.
    pub fn both(credentials: Credentials) -> Self {
        Self {
            read: Some(credentials.clone()),
            update: Some(credentials),
        }
    }
}

/// Middleware: lets the request through only with the expected Basic credentials;
/// otherwise a 401 with `WWW-Authenticate: Basic realm="solr"` (what Solr's
/// `BasicAuthPlugin` answers, and what makes `requests` / `pysolr` retry with credentials).
pub async fn require_basic(
    State(expected): State<Arc<Credentials>>,
    request: Request,
    next: Next,
) -> Response {
    let header = request.headers().get(AUTHORIZATION);
    let Some(header) = header else {
        return ApiError::unauthorized("require authentication").into_response();
    };
    let accepted = parse_basic(header.as_bytes())
        .is_some_and(|(user, password)| expected.matches(&user, &password));
    if !accepted {
        // Solr's message for a present but wrong (or unreadable) Authorization header.
        return ApiError::unauthorized("Bad credentials").into_response();
    }
    next.run(request).await
}

/// `Basic <base64(user:password)>` → (user, password) bytes. The scheme name is
/// case-insensitive (RFC 7617); the password may contain `:`, the user may not.
fn parse_basic(header: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let header = header.trim_ascii();
    let (scheme, token) = header.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case(b"basic ") {
        return None;
    }
    let decoded = decode_base64(token.trim_ascii())?;
    let colon = decoded.iter().position(|&b| b == b':')?;
    Some((decoded[..colon].to_vec(), decoded[colon + 1..].to_vec()))
}

/// Standard-alphabet base64 (RFC 4648 §4), padding optional; `None` on anything else.
fn decode_base64(input: &[u8]) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let body = match input {
        [rest @ .., b'=', b'='] => rest,
        [rest @ .., b'='] => rest,
        _ => input,
    };
    // Padding, when present, must complete a 4-character group.
    if body.len() != input.len() && !input.len().is_multiple_of(4) {
        return None;
    }
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | value(c)?;
        }
        match chunk.len() {
            4 => out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]),
            3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
            2 => out.push((acc >> 4) as u8),
            _ => return None,
        }
    }
    Some(out)
}

/// Equality whose running time depends only on the lengths, not on where the bytes differ.
fn constant_time_eq(expected: &[u8], given: &[u8]) -> bool {
    let mut diff = u8::from(expected.len() != given.len());
    for (i, &e) in expected.iter().enumerate() {
        // Compare against something of the same length even when `given` is shorter.
        let g = given.get(i).copied().unwrap_or(!e);
        diff |= e ^ g;
    }
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64_with_and_without_padding() {
        assert_eq!(decode_base64(b"Og==").as_deref(), Some(&b":"[..]));
        assert_eq!(decode_base64(b"Og").as_deref(), Some(&b":"[..]));
        assert_eq!(
            decode_base64(b"dXNlcjpwYXNz").as_deref(),
            Some(&b"user:pass"[..])
        );
        assert_eq!(
            decode_base64(b"Y2thbjpzM2NyZXQ6eA==").as_deref(),
            Some(&b"ckan:s3cret:x"[..])
        );
        assert_eq!(decode_base64(b"YWI=").as_deref(), Some(&b"ab"[..]));
        assert_eq!(decode_base64(b"").as_deref(), Some(&b""[..]));
    }

    #[test]
    fn rejects_malformed_base64() {
        assert_eq!(decode_base64(b"A"), None);
        assert_eq!(decode_base64(b"Og=="[..3].as_ref()), None);
        assert_eq!(decode_base64(b"O!=="), None);
        assert_eq!(decode_base64(b"dXNl cjpwYXNz"), None);
    }

    #[test]
    fn parses_basic_header() {
        assert_eq!(
            parse_basic(b"Basic dXNlcjpwYXNz"),
            Some((b"user".to_vec(), b"pass".to_vec()))
        );
        assert_eq!(parse_basic(b"basic Og=="), Some((Vec::new(), Vec::new())));
        assert_eq!(parse_basic(b"Bearer dXNlcjpwYXNz"), None);
        assert_eq!(parse_basic(b"Basic"), None);
        // No colon: not a user-pass pair.
        assert_eq!(parse_basic(b"Basic dXNlcg=="), None);
    }

    #[test]
    fn compares_whole_credentials() {
        let c = Credentials::new("ckan", "secret");
        assert!(c.matches(b"ckan", b"secret"));
        assert!(!c.matches(b"ckan", b"secre"));
        assert!(!c.matches(b"ckan", b"secret2"));
        assert!(!c.matches(b"ckam", b"secret"));
        assert!(!c.matches(b"", b""));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"", b"a"));
    }

    #[test]
    fn debug_hides_the_password() {
        let shown = format!("{:?}", Credentials::new("ckan", "secret"));
        assert!(shown.contains("ckan") && !shown.contains("secret"));
    }
}
