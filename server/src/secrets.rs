//! "Is this a secret?" — one answer for every rule that asks.
//!
//! A name is split into words (`camelCase`, `snake_case`, `kebab-case`, `dotted.names`); a secret word
//! (`password`, `token`, `api` + `key`…) makes it secret-looking unless its last word says it is public
//! material or a pointer to the secret (`GPG_KEY`, `*_FINGERPRINT`, `*_FILE`, `*_URL`…). A value is judged on
//! its own: empty, a `$VAR` reference, a boolean or an obvious placeholder, or a known credential format.

use crate::Severity;

/// Why a name looks like a secret: the word that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretName {
    pub word: String,
}

/// Words that name a secret on their own.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
    "auth",
    "privatekey",
    "accesskey",
    "secretkey",
];

/// Words that make a following `key` a secret: `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`.
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "private",
    "access",
    "secret",
    "encryption",
    "signing",
    "master",
    "client",
];

/// Last words that make the name about a secret rather than the secret itself.
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "file",
    "path",
    "dir",
    "url",
    "uri",
    "endpoint",
    "version",
    "fingerprint",
    "fingerprints",
    "sha",
    "sha256",
    "sha512",
    "checksum",
    "hash",
    "keyring",
    "ttl",
    "timeout",
    "expiry",
    "expires",
    "length",
    "enabled",
    "enable",
    "disabled",
    "type",
    "mode",
    "header",
    "name",
    "id",
    "user",
    "username",
    "policy",
    "method",
    "provider",
    "host",
    "port",
    "realm",
    "scope",
    "scopes",
    "prefix",
    "size",
    "count",
    "required",
    "algorithm",
    "location",
    "format",
    "server",
    "service",
    "backend",
    "plugin",
    "strategy",
    "lifetime",
    "rotation",
    "env",
];

/// Names of public key material that contain a secret-looking word.
const PUBLIC_NAMES: &[&str] = &["gpg_key", "gpg_keys", "public_key", "pubkey"];

/// Split an identifier into lower-case words.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether `name` names a secret, and which word says so.
pub fn secret_name(name: &str) -> Option<SecretName> {
    let words = words(name);
    let last = words.last()?;
    let joined = words.join("_");
    if NOT_SECRET_SUFFIXES.contains(&last.as_str())
        || PUBLIC_NAMES
            .iter()
            .any(|p| joined == *p || joined.ends_with(&format!("_{p}")))
        || (last == "key" && words.iter().any(|w| w == "public" || w == "gpg"))
    {
        return None;
    }
    for (i, word) in words.iter().enumerate() {
        if SECRET_WORDS.contains(&word.as_str()) {
            return Some(SecretName { word: word.clone() });
        }
        if word == "key" && i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str()) {
            return Some(SecretName {
                word: format!("{}_key", words[i - 1]),
            });
        }
    }
    None
}

/// The finding for an environment variable `name=value` written where `place` says ("baked into the image",
/// "written in the Compose file"): a value in a credential format whatever the name, a literal under a secret
/// name, or an obvious placeholder under one (info). References, settings and empty values are not secrets.
pub fn env_finding(name: &str, value: &str, place: &str) -> Option<(Severity, String)> {
    let kind = classify_value(value);
    if let ValueKind::Credential(format) = kind {
        return Some((
            Severity::Error,
            format!("the value of `{name}` is {format}: it is {place}"),
        ));
    }
    let secret = secret_name(name)?;
    let why = format!("its name says \"{}\"", secret.word);
    match kind {
        ValueKind::Literal => Some((
            Severity::Error,
            format!("`{name}` looks like a secret ({why}) and its literal value is {place}"),
        )),
        ValueKind::Placeholder => Some((
            Severity::Info,
            format!(
                "`{name}` looks like a secret ({why}); its value is a placeholder, but the real one must not be written here"
            ),
        )),
        _ => None,
    }
}

/// How a value reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// Empty, or only a `$VAR` / `${VAR}` reference: nothing is baked in.
    Empty,
    /// `${NAME}`-style references, with the names referenced.
    Reference(Vec<String>),
    /// `true`, `false`, `yes`, a number: a setting, not a secret.
    Setting,
    /// `changeme`, `xxx`, `<your-token>`: obviously not a real secret.
    Placeholder,
    /// A value in a known credential format.
    Credential(&'static str),
    Literal,
}

/// Judge a value.
pub fn classify_value(value: &str) -> ValueKind {
    let v = value.trim();
    if v.is_empty() {
        return ValueKind::Empty;
    }
    if let Some(format) = credential_format(v) {
        return ValueKind::Credential(format);
    }
    if let Some(names) = only_references(v) {
        return ValueKind::Reference(names);
    }
    let lower = v.to_ascii_lowercase();
    let settings = [
        "true", "false", "yes", "no", "on", "off", "none", "null", "disabled", "enabled",
        "required", "optional",
    ];
    if settings.contains(&lower.as_str()) || v.bytes().all(|b| b.is_ascii_digit()) && v.len() < 6 {
        return ValueKind::Setting;
    }
    if is_placeholder(&lower) {
        return ValueKind::Placeholder;
    }
    ValueKind::Literal
}

fn is_placeholder(lower: &str) -> bool {
    let words = [
        "changeme",
        "change_me",
        "change-me",
        "changeit",
        "replaceme",
        "replace_me",
        "placeholder",
        "dummy",
        "example",
        "todo",
        "redacted",
    ];
    words.contains(&lower)
        || (lower.starts_with('<') && lower.ends_with('>'))
        || (lower.len() >= 3 && lower.bytes().all(|b| b == b'x' || b == b'*' || b == b'.'))
        || (lower.len() >= 3 && lower.bytes().all(|b| b == b'0'))
        || lower.starts_with("your_")
        || lower.starts_with("your-")
}

/// The variable names when `v` consists only of `$NAME` / `${NAME…}` references.
fn only_references(v: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut rest = v;
    while !rest.is_empty() {
        let body = rest.strip_prefix('$')?;
        if let Some(inner) = body.strip_prefix('{') {
            let close = inner.find('}')?;
            let name = inner[..close]
                .split([':', '-', '+', '?'])
                .next()
                .unwrap_or("");
            names.push(name.to_owned());
            rest = &inner[close + 1..];
        } else {
            let len = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(body.len());
            if len == 0 {
                return None;
            }
            names.push(body[..len].to_owned());
            rest = &body[len..];
        }
    }
    Some(names)
}

/// The name of the credential format `v` is in, if any.
pub fn credential_format(v: &str) -> Option<&'static str> {
    let alnum =
        |s: &str, n: usize| s.len() >= n && s.bytes().take(n).all(|b| b.is_ascii_alphanumeric());
    if let Some(rest) = v.strip_prefix("AKIA").or_else(|| v.strip_prefix("ASIA")) {
        if rest.len() >= 16
            && rest
                .bytes()
                .take(16)
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Some("an AWS access key id");
        }
    }
    for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
        if v.strip_prefix(prefix).is_some_and(|r| alnum(r, 36)) {
            return Some("a GitHub token");
        }
    }
    if v.strip_prefix("github_pat_").is_some_and(|r| r.len() >= 22) {
        return Some("a GitHub token");
    }
    if v.strip_prefix("glpat-").is_some_and(|r| r.len() >= 20) {
        return Some("a GitLab token");
    }
    if ["xoxa-", "xoxb-", "xoxp-", "xoxr-"]
        .iter()
        .any(|p| v.starts_with(p))
        && v.len() > 20
    {
        return Some("a Slack token");
    }
    if ["sk_live_", "rk_live_"]
        .iter()
        .any(|p| v.strip_prefix(p).is_some_and(|r| alnum(r, 16)))
    {
        return Some("a Stripe live key");
    }
    if v.strip_prefix("AIza").is_some_and(|r| r.len() >= 35) {
        return Some("a Google API key");
    }
    if v.strip_prefix("npm_").is_some_and(|r| alnum(r, 36)) {
        return Some("an npm token");
    }
    if v.strip_prefix("pypi-").is_some_and(|r| r.len() >= 50) {
        return Some("a PyPI token");
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    let jwt: Vec<&str> = v.split('.').collect();
    if jwt.len() == 3
        && v.starts_with("eyJ")
        && jwt[1].starts_with("eyJ")
        && jwt.iter().all(|p| p.len() > 4)
    {
        return Some("a JSON Web Token");
    }
    if let Some((_, after_scheme)) = v.split_once("://") {
        let authority = after_scheme.split('/').next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            if let Some((_, password)) = userinfo.split_once(':') {
                if !password.is_empty() && !password.starts_with('$') {
                    return Some("a URL with a password");
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for secret in [
            "DB_PASSWORD",
            "apiKey",
            "API_KEY",
            "github-token",
            "aws.secret.access.key",
            "MYSQL_ROOT_PASSWORD",
            "PRIVATE_KEY",
            "CLIENT_SECRET",
        ] {
            assert!(secret_name(secret).is_some(), "{secret}");
        }
        for public in [
            "GPG_KEY",
            "GPG_KEYS",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "NODE_VERSION",
            "PUBLIC_KEY",
            "AUTHOR",
            "KEYRING",
            "PYTHON_SHA256",
            "SECRET_KEY_BASE_DIR",
            "PASSWORD_MIN_LENGTH",
            "AUTH_ENDPOINT",
            "MONKEY",
            "PASSENGER_VERSION",
        ] {
            assert!(secret_name(public).is_none(), "{public}");
        }
    }

    #[test]
    fn values() {
        assert_eq!(classify_value(""), ValueKind::Empty);
        assert_eq!(
            classify_value("${DB_PASSWORD}"),
            ValueKind::Reference(vec!["DB_PASSWORD".into()])
        );
        assert_eq!(
            classify_value("$A${B:-x}"),
            ValueKind::Reference(vec!["A".into(), "B".into()])
        );
        assert_eq!(classify_value("changeme"), ValueKind::Placeholder);
        assert_eq!(classify_value("<your-token>"), ValueKind::Placeholder);
        assert_eq!(classify_value("true"), ValueKind::Setting);
        assert_eq!(classify_value("supersecret123"), ValueKind::Literal);
        assert_eq!(
            classify_value("AKIAABCDEFGHIJKLMNOP"),
            ValueKind::Credential("an AWS access key id")
        );
        assert_eq!(
            classify_value("postgres://u:hunter2@db/x"),
            ValueKind::Credential("a URL with a password")
        );
        assert_eq!(classify_value("postgres://u@db/x"), ValueKind::Literal);
    }
}
