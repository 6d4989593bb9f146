//! Requests to a [`TestServer`] as a CKAN API client sends them, and their replies as sent:
//! status, `Content-Type` and the body's exact text.

use std::sync::OnceLock;

use reqwest::blocking::{Client, RequestBuilder};
use serde_json::Value;

use crate::TestServer;

/// `Content-Type` of CKAN's JSON answers.
const JSON_UTF8: &str = "application/json;charset=utf-8";

/// An answer as it came.
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header ("" without one).
    pub content_type: String,
    /// The body as text.
    pub text: String,
}

impl Reply {
    /// The body parsed as JSON, whatever the status.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The body of a 200 JSON answer.
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, 200, "{}", self.text);
        assert_eq!(self.content_type, JSON_UTF8);
        self.json()
    }

    /// The `result` of a successful action envelope.
    pub fn result(&self) -> Value {
        let body = self.ok();
        assert_eq!(body["success"], true, "{}", self.text);
        body["result"].clone()
    }
}

/// One client for every request (its connection pool is shared).
pub fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(Client::new)
}

/// Sends `request` and reads the whole answer.
pub fn send(request: RequestBuilder) -> Reply {
    let response = request.send().expect("request");
    Reply {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
        text: response.text().expect("body"),
    }
}

/// GETs a path with its query string as written.
pub fn get_url(server: &TestServer, path_and_query: &str) -> Reply {
    send(client().get(format!("{}{}", server.base, path_and_query)))
}

/// GETs `path` with `params` URL-encoded here.
pub fn get(server: &TestServer, path: &str, params: &[(&str, &str)]) -> Reply {
    get_as(server, path, params, None)
}

/// As [`get`], with `authorization` (an API token) as the `Authorization` header.
pub fn get_as(
    server: &TestServer,
    path: &str,
    params: &[(&str, &str)],
    authorization: Option<&str>,
) -> Reply {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let mut request = client().get(format!("{}{path}?{query}", server.base));
    if let Some(token) = authorization {
        request = request.header(reqwest::header::AUTHORIZATION, token);
    }
    send(request)
}

/// POSTs `body` to `path` as `content_type`.
pub fn post(server: &TestServer, path: &str, content_type: &str, body: &str) -> Reply {
    send(
        client()
            .post(format!("{}{path}", server.base))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body.to_string()),
    )
}

/// POSTs `body` to `/solr/ckan/update?commit=true` as JSON and checks it was accepted.
pub fn commit_json(server: &TestServer, body: &Value) {
    let reply = post(
        server,
        "/solr/ckan/update?commit=true",
        "application/json",
        &body.to_string(),
    );
    assert_eq!(reply.status, 200, "{body}: {}", reply.text);
}
