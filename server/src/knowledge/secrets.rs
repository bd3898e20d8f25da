//! "Is this a secret?" — one answer for every rule that asks.
//!
//! A name is split into words (`camelCase`, `snake_case`, `kebab-case`, `dotted.names`); a secret word
//! (`password`, `token`, `api` + `key`…) makes it secret-looking unless its last word says it is public
//! material, a pointer to the secret or a setting about it (`GPG_KEY`, `*_FINGERPRINT`, `*_FILE`, `*_URL`,
//! `*_ALGO`, `*_MIN_*`…). A value is judged on its own: empty, a `$VAR` reference, a boolean, an obvious
//! placeholder, a path (where a secret is, not the secret), or a known credential format.

use crate::document::Severity;

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
    "directory",
    "sock",
    "socket",
    "algo",
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
    // `AUTH_BACKENDS`, `TOKEN_URLS`: the plural of a pointer is a pointer.
    let singular = last.strip_suffix('s').unwrap_or(last);
    if NOT_SECRET_SUFFIXES.contains(&last.as_str())
        || NOT_SECRET_SUFFIXES.contains(&singular)
        || PUBLIC_NAMES.iter().any(|p| {
            joined
                .strip_suffix(p)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('_'))
        })
        || (last == "key" && words.iter().any(|w| w == "public" || w == "gpg"))
    {
        return None;
    }
    // `PASSWORD_MIN_LENGTH`, `TOKEN_MAX_AGE`: a bound on the secret is a setting.
    if words.iter().any(|w| w == "min" || w == "max") {
        return None;
    }
    let mut found = None;
    for (i, word) in words.iter().enumerate() {
        let matched = if SECRET_WORDS.contains(&word.as_str()) {
            word.clone()
        } else if word == "key" && i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str()) {
            format!("{}_key", words[i - 1])
        } else {
            continue;
        };
        // `auth` is the weakest word (`AUTH_TYPE`, `REGISTRY_AUTH=htpasswd`): a stronger one wins.
        if matched != "auth" {
            return Some(SecretName { word: matched });
        }
        found = Some(SecretName { word: matched });
    }
    found
}

/// Whether a variable names where a secret file is: a secret name, or one followed by a pointer word
/// (`DB_PASSWORD_FILE`, `TLS_KEY_PATH`), or a well-known pointer to credentials (`KUBECONFIG`).
pub fn points_to_secret(name: &str) -> bool {
    let mut words = words(name);
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| ["file", "path"].contains(&w.as_str()))
    {
        words.pop();
    }
    name.eq_ignore_ascii_case("kubeconfig") || secret_name(&words.join("_")).is_some()
}

/// Why a value was judged a secret: the evidence, for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The name holds a secret word.
    Name(String),
    /// The value is in a known credential format.
    Format(&'static str),
    /// The value looks random (Shannon entropy, bits per character).
    Entropy(u32),
}

/// The decision for one `name=value`: how loud, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub severity: Severity,
    pub reasons: Vec<Reason>,
    /// The value is an obvious placeholder: the real one must not go where this one is.
    pub placeholder: bool,
}

/// The decision table shared by every rule: a value in a credential format whatever the name (error), a
/// literal under a secret name (error), an obvious placeholder under one (info). Empty values, references
/// and settings are not secrets.
pub fn judge(name: &str, value: &str) -> Option<Verdict> {
    let secret = secret_name(name);
    // A value under a name that says nothing counts only in a credential format (the common case, read
    // without classifying it further).
    if secret.is_none() && credential_format(value.trim()).is_none() {
        return None;
    }
    let kind = classify_value(value);
    // `REGISTRY_AUTH=htpasswd`: under `auth` alone, a lower-case word names a method, not a credential.
    let method = |v: &str| {
        !v.is_empty()
            && v.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.' | ',')
            })
    };
    if secret.as_ref().is_some_and(|s| s.word == "auth") && method(value.trim()) {
        return None;
    }
    let named = secret.map(|s| Reason::Name(s.word));
    // (only a literal's entropy is a reason, and only a named one's is asked for)
    let random = || entropy_bits(value.trim()).map(Reason::Entropy);
    match kind {
        ValueKind::Credential(format) => Some(Verdict {
            severity: Severity::Error,
            reasons: [Some(Reason::Format(format)), named]
                .into_iter()
                .flatten()
                .collect(),
            placeholder: false,
        }),
        ValueKind::Literal => Some(Verdict {
            severity: Severity::Error,
            reasons: [named?].into_iter().chain(random()).collect(),
            placeholder: false,
        }),
        ValueKind::Placeholder => Some(Verdict {
            severity: Severity::Info,
            reasons: vec![named?],
            placeholder: true,
        }),
        _ => None,
    }
}

impl Reason {
    pub fn describe(&self) -> String {
        match self {
            Reason::Name(word) => format!("its name says \"{word}\""),
            Reason::Format(format) => format!("its value is {format}"),
            Reason::Entropy(bits) => {
                format!("its value looks random, {bits} bits of entropy per character")
            }
        }
    }
}

/// The finding for an environment variable `name=value` written where `place` says ("baked into the image",
/// "written in the Compose file"), from [`judge`].
pub fn env_finding(name: &str, value: &str, place: &str) -> Option<(Severity, String)> {
    let verdict = judge(name, value)?;
    let why: Vec<String> = verdict.reasons.iter().map(Reason::describe).collect();
    let why = why.join("; ");
    let message = if verdict.placeholder {
        format!(
            "`{name}` looks like a secret ({why}); its value is a placeholder, but the real one must not be {place}"
        )
    } else {
        format!("`{name}` holds a secret ({why}), {place}")
    };
    Some((verdict.severity, message))
}

/// Shannon entropy in bits per character, when `value` is long and varied enough to be a generated secret
/// (20 characters or more, no spaces, letters and digits mixed, at least 3.5 bits per character).
pub fn entropy_bits(value: &str) -> Option<u32> {
    if value.len() < 20 || value.contains(char::is_whitespace) {
        return None;
    }
    let letters = value.chars().any(|c| c.is_ascii_alphabetic());
    let digits = value.chars().any(|c| c.is_ascii_digit());
    if !(letters && digits) {
        return None;
    }
    // (ASCII characters counted in place; any other one in a map)
    let mut ascii = [0usize; 128];
    let mut others = std::collections::HashMap::new();
    for c in value.chars() {
        match ascii.get_mut(c as usize) {
            Some(count) => *count += 1,
            None => *others.entry(c).or_insert(0usize) += 1,
        }
    }
    let n = value.chars().count() as f64;
    let bits: f64 = ascii
        .iter()
        .chain(others.values())
        .filter(|&&k| k > 0)
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum();
    // Whole bits are enough for a message; the cast is of a small positive number.
    (bits >= 3.5).then_some(bits.round() as u32)
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
    /// A file system path (`/run/secrets/db`, `~/.config/x`, `./key.json`): where a secret is, not the secret.
    Path,
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
    if is_path(v) {
        return ValueKind::Path;
    }
    ValueKind::Literal
}

/// A path: `~/…`, `./…`, `../…`, or absolute with at least two segments of `[A-Za-z0-9._@-]` — so base64
/// that starts with a slash (`/aB3d…+/=`, with `+` or `=`) is not one.
fn is_path(v: &str) -> bool {
    let segment = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-'))
    };
    if let Some(rest) = ["~/", "./", "../"].iter().find_map(|p| v.strip_prefix(p)) {
        return rest.trim_end_matches('/').split('/').all(segment);
    }
    let Some(rest) = v.strip_prefix('/') else {
        return false;
    };
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    segments.len() >= 2 && segments.iter().all(|s| segment(s))
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
    // Phrases that ask for a value rather than give one: `ChooseYourOwnPasswordHere1234`, `change-this`.
    let asks = [
        "changeme",
        "change_me",
        "change-me",
        "changethis",
        "change-this",
        "change_this",
        "chooseyour",
        "replaceme",
        "replace-me",
        "replace_me",
        "yourpassword",
        "your_password",
        "your-password",
        "placeholder",
    ];
    words.contains(&lower)
        || asks.iter().any(|a| lower.contains(a))
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
    if v.starts_with("eyJ") {
        let jwt: Vec<&str> = v.split('.').collect();
        if jwt.len() == 3 && jwt[1].starts_with("eyJ") && jwt.iter().all(|p| p.len() > 4) {
            return Some("a JSON Web Token");
        }
    }
    if let Some((scheme, after_scheme)) = v.split_once("://") {
        let valid_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
        let authority = after_scheme.split('/').next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@').filter(|_| valid_scheme) {
            if let Some((user, password)) = userinfo.split_once(':') {
                // `host:443@8443` (mitmproxy's reverse mode) is a host and a port, not a login.
                let host_and_port =
                    user.contains('.') && password.bytes().all(|b| b.is_ascii_digit());
                if !password.is_empty() && !password.starts_with('$') && !host_and_port {
                    return Some("a URL with a password");
                }
            }
        }
    }
    None
}

/// Standard base64 (Kubernetes Secret `data`), ignoring whitespace; `None` when it is not valid base64 or
/// not UTF-8 text.
pub fn decode_base64(text: &str) -> Option<String> {
    let digit = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    };
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let body = clean
        .strip_suffix(b"==")
        .or_else(|| clean.strip_suffix(b"="))
        .unwrap_or(&clean);
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= digit(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    String::from_utf8(out).ok()
}

/// The ASCII characters that end a word of [`credentials_in`]: blanks, quotes, brackets, `=`, `,`, `;`, `|`.
const ASCII_BOUNDARY: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_whitespace()
            || b == 0x0b
            || matches!(
                b as u8,
                b'"' | b'\''
                    | b'`'
                    | b'='
                    | b','
                    | b';'
                    | b'('
                    | b')'
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'<'
                    | b'>'
                    | b'|'
            );
        b += 1;
    }
    table
};

/// Every value in a known credential format written anywhere in `text` (code, comments, any string), with
/// its range and format: words split at blanks, quotes, brackets and `=`, and private-key PEM headers.
pub fn credentials_in(text: &str) -> Vec<(crate::document::TextRange, &'static str)> {
    let mut out = Vec::new();
    // Bytes, not characters: every boundary but Unicode's other blanks is ASCII, and this runs over whole
    // files on every keystroke (so each word is skipped over in a tight loop).
    let bytes = text.as_bytes();
    let boundary_at = |i: usize| match bytes[i] {
        b if b.is_ascii() => (ASCII_BOUNDARY[usize::from(b)], 1),
        _ => {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let (boundary, width) = boundary_at(i);
        if boundary {
            i += width;
            continue;
        }
        let start = i;
        while i < bytes.len() {
            let (boundary, width) = boundary_at(i);
            if boundary {
                break;
            }
            i += width;
        }
        let word = &text[start..i];
        // Every format is 16 characters or more, or a URL with `@`: most words are neither.
        let candidate = word.len() >= 16 || word.contains('@');
        if let Some(format) = candidate
            .then(|| credential_format(word))
            .flatten()
            .filter(|f| *f != "a private key")
        {
            out.push((crate::document::TextRange::new(start, i), format));
        }
    }
    let mut from = 0;
    while let Some(at) = text[from..].find("-----BEGIN ") {
        let begin = from + at;
        let line_end = text[begin..]
            .find(['\n', '\r'])
            .map_or(text.len(), |e| begin + e);
        let header = &text[begin..line_end];
        if let Some(end) = header.find("PRIVATE KEY-----") {
            out.push((
                crate::document::TextRange::new(begin, begin + end + "PRIVATE KEY-----".len()),
                "a private key",
            ));
        }
        from = line_end;
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_boundaries_are_the_blanks_and_the_separators() {
        for b in 0..128u8 {
            let c = char::from(b);
            let expected = c.is_whitespace() || "\"'`=,;()[]{}<>|".contains(c);
            assert_eq!(ASCII_BOUNDARY[usize::from(b)], expected, "{b:#x}");
        }
    }

    #[test]
    fn paths_and_settings_about_secrets_are_not_secrets() {
        for (name, value) in [
            ("GOOGLE_APPLICATION_CREDENTIALS", "/var/secrets/key.json"),
            ("DB_PASSWORD", "/run/secrets/db-password"),
            ("API_TOKEN", "~/.config/token"),
            ("AUTH_TOKEN", "./secrets/token.txt"),
            ("CREDENTIALS_DIRECTORY", "/run/credentials/app.service"),
            ("SSH_AUTH_SOCK", "/tmp/ssh-agent.sock"),
            ("PASSWORD_HASH_ALGO", "argon2id9Xz"),
            ("PASSWORD_MIN_LENGTH", "12abc"),
            ("TOKEN_MAX_AGE", "3600s"),
            ("SECRET_KEY_POLICY", "rotate-weekly"),
            ("AUTH_ENABLED", "yes-please"),
        ] {
            assert_eq!(judge(name, value), None, "{name}={value}");
        }
        for (name, value) in [
            ("DB_PASSWORD", "/aB3dEf9+/x="),
            ("DB_PASSWORD", "s3cr3t/with/slashes+x"),
            ("API_TOKEN", "/onlyone"),
        ] {
            assert!(judge(name, value).is_some(), "{name}={value}");
        }
    }

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

    /// Real-world shapes: what official images, Compose files and manifests write. Each firing case with the
    /// severity the table gives.
    const FIRING: &[(&str, &str, Severity)] = &[
        ("POSTGRES_PASSWORD", "example", Severity::Info),
        ("POSTGRES_PASSWORD", "s3cr3tP4ss", Severity::Error),
        ("MYSQL_ROOT_PASSWORD", "root", Severity::Error),
        ("MYSQL_PASSWORD", "changeme", Severity::Info),
        (
            "MONGO_INITDB_ROOT_PASSWORD",
            "mongo-admin-2024",
            Severity::Error,
        ),
        ("RABBITMQ_DEFAULT_PASS", "guest", Severity::Error),
        ("REDIS_PASSWORD", "<your-redis-password>", Severity::Info),
        ("DB_PASS", "hunter2", Severity::Error),
        (
            "DATABASE_URL",
            "postgres://app:Tr0ub4dor@db:5432/app",
            Severity::Error,
        ),
        (
            "CELERY_BROKER_URL",
            "amqp://admin:admin123@rabbitmq:5672//",
            Severity::Error,
        ),
        (
            "SPRING_DATASOURCE_PASSWORD",
            "spring-pass-1",
            Severity::Error,
        ),
        ("KEYCLOAK_ADMIN_PASSWORD", "admin", Severity::Error),
        ("GF_SECURITY_ADMIN_PASSWORD", "grafana123", Severity::Error),
        (
            "SECRET_KEY",
            "django-insecure-8f3k2l5m9n0p",
            Severity::Error,
        ),
        (
            "SECRET_KEY_BASE",
            "a8f5f167f44f4964e6c998dee827110c",
            Severity::Error,
        ),
        ("JWT_SECRET", "my-jwt-signing-secret", Severity::Error),
        ("API_KEY", "4f9d2c7b8a1e6f3d", Severity::Error),
        ("apiKey", "k-77aa91be", Severity::Error),
        (
            "STRIPE_SECRET_KEY",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            Severity::Error,
        ),
        (
            "STRIPE_KEY",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            Severity::Error,
        ),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", Severity::Error),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            Severity::Error,
        ),
        (
            "GITHUB_TOKEN",
            "ghp_1234567890abcdefghijklmnopqrstuvwxyz",
            Severity::Error,
        ),
        (
            "GH_PAT",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            Severity::Error,
        ),
        (
            "GITLAB_TOKEN",
            "glpat-xxxxxxxxxxxxxxxxxxxx",
            Severity::Error,
        ),
        ("CI_JOB", "glpat-A1b2C3d4E5f6G7h8I9j0", Severity::Error),
        (
            "SLACK_BOT_TOKEN",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp",
            Severity::Error,
        ),
        (
            "NOTIFY_HOOK",
            "xoxp-123456789012-1234567890123-AbCdEfGh",
            Severity::Error,
        ),
        (
            "GOOGLE_MAPS_KEY",
            "AIzaSyA-1234567890abcdefghijklmnopqrstu",
            Severity::Error,
        ),
        (
            "NPM_TOKEN",
            "npm_abcdefghijklmnopqrstuvwxyz0123456789",
            Severity::Error,
        ),
        (
            "TWINE_PASSWORD",
            "pypi-AgEIcHlwaS5vcmcCJGE0ZjY5ZjY1LTk1YjgtNGY2Yy1hYjY1LTA4YjI1NjE0ZjM4NQ",
            Severity::Error,
        ),
        (
            "TLS_KEY",
            "-----BEGIN RSA PRIVATE KEY-----MIIEpAIBAAKCAQEA",
            Severity::Error,
        ),
        (
            "SESSION",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            Severity::Error,
        ),
        ("OAUTH_CLIENT_SECRET", "9f8e7d6c5b4a", Severity::Error),
        ("client-secret", "abcdef123456", Severity::Error),
        ("auth.token", "t0k3n-v4lu3", Severity::Error),
        ("SMTP_PASSWORD", "mail-pass", Severity::Error),
        ("LDAP_BIND_PWD", "Secret123", Severity::Error),
        (
            "VAULT_TOKEN",
            "hvs.CAESIJ1234567890abcdefghijkl",
            Severity::Error,
        ),
        (
            "PRIVATE_KEY",
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
            Severity::Error,
        ),
        (
            "ENCRYPTION_KEY",
            "0123456789abcdef0123456789abcdef",
            Severity::Error,
        ),
        ("BASIC_AUTH_CREDENTIALS", "admin:admin", Severity::Error),
        (
            "WEBHOOK",
            "https://user:p4ssw0rd@hooks.example.com/x",
            Severity::Error,
        ),
        ("ADMIN_PASSWORD", "xxxxxxxx", Severity::Info),
        ("REGISTRY_PASSWORD", "000000", Severity::Info),
        (
            "POSTGRESQL_PASSWORD",
            "ChooseYourOwnPasswordHere1234",
            Severity::Info,
        ),
        ("NPM_AUTH", "dXNlcjpwYXNzd29yZA==", Severity::Error),
        ("YOURLS_PASS", "admin", Severity::Error),
    ];

    /// Values that must stay silent, whatever their name suggests.
    const SILENT: &[(&str, &str)] = &[
        ("GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D"),
        (
            "GPG_KEYS",
            "B42F6819007F00F88E364FD4036A9C25BF357DD4 7937DFD2AB06298B2293C3187D33FF9D0246406D",
        ),
        ("NODE_GPG_KEYS", "4ED778F539E3634C779C87C6D7062848A1AB005C"),
        (
            "PYTHON_SHA256",
            "8fb5f9fbc7609fa822cb31549884575db7fd9657cbffb89510b5d7975963a83a",
        ),
        ("NGINX_PGP_KEY", ""),
        (
            "RUBY_DOWNLOAD_SHA256",
            "a0eee4cd4ea8cc4dcc9ea3fe47e5d8f5ccd3ab9b9c29ce0b3b6fb4ffd5d24ee0",
        ),
        (
            "GOLANG_CHECKSUM",
            "4fa6e3cd2a7d6c8ea2f5e9c7b0f9e1234567890abcdef1234567890abcdef12",
        ),
        ("PASSWORD_FILE", "/run/secrets/db_password"),
        ("POSTGRES_PASSWORD_FILE", "/run/secrets/postgres-passwd"),
        ("MYSQL_ROOT_PASSWORD", "${MYSQL_ROOT_PASSWORD}"),
        ("DB_PASSWORD", "$DB_PASSWORD"),
        ("API_TOKEN", "${API_TOKEN:?set API_TOKEN}"),
        ("DB_PASSWORD", ""),
        ("SECRET_KEY", "   "),
        ("TOKEN_URL", "https://auth.example.com/oauth/token"),
        ("AUTH_ENDPOINT", "https://login.example.com/authorize"),
        (
            "OAUTH_TOKEN_URL",
            "https://github.com/login/oauth/access_token",
        ),
        ("KEYCLOAK_URL", "https://keycloak:8443/auth"),
        ("DATABASE_URL", "postgres://app@db:5432/app"),
        ("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db:5432/app"),
        ("REDIS_URL", "redis://redis:6379/0"),
        ("NODE_VERSION", "22.11.0"),
        ("PASSENGER_VERSION", "6.0.23"),
        (
            "PUBLIC_KEY",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
        ),
        (
            "JWT_PUBLIC_KEY",
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
        ),
        ("SSH_KEYRING", "/usr/share/keyrings/example.gpg"),
        ("CERT_FINGERPRINT", "SHA256:2e:9a:ab:4f"),
        ("AUTH_ENABLED", "true"),
        ("PASSWORD_MIN_LENGTH", "12"),
        ("TOKEN_TTL", "3600"),
        ("SECRET_PATH", "/etc/app/secret"),
        ("SECRETS_DIR", "/run/secrets"),
        ("AUTH_TYPE", "oauth2"),
        ("AUTH_PROVIDER", "github"),
        ("DB_USER", "app"),
        ("POSTGRES_USER", "postgres"),
        ("AUTHOR", "Jane Doe <jane@example.com>"),
        ("MONKEY", "banana"),
        ("PASSTHROUGH", "1"),
        ("TOKENIZERS_PARALLELISM", "false"),
        ("KEY_ALGORITHM", "RS256"),
        ("SESSION_COOKIE_NAME", "sid"),
        ("BUILD_COMMIT", "9fceb02d0ae598e95dc970b74767f19372d61af8"),
        (
            "IMAGE_DIGEST",
            "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
        ),
    ];

    #[test]
    fn decision_table_on_real_world_shapes() {
        assert!(FIRING.len() >= 40 && SILENT.len() >= 40);
        for (name, value, severity) in FIRING {
            let verdict =
                judge(name, value).unwrap_or_else(|| panic!("{name}={value} must be a secret"));
            assert_eq!(verdict.severity, *severity, "{name}={value}");
            assert!(
                !verdict.reasons.is_empty(),
                "{name}={value}: a finding says why"
            );
        }
        for (name, value) in SILENT {
            assert_eq!(judge(name, value), None, "{name}={value} must stay silent");
        }
    }

    #[test]
    fn the_verdict_says_why() {
        let verdict = judge(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .expect("secret");
        assert_eq!(verdict.reasons[0], Reason::Name("secret".into()));
        assert!(matches!(verdict.reasons[1], Reason::Entropy(bits) if bits >= 4));
        let verdict =
            judge("NOTIFY_HOOK", "xoxp-123456789012-1234567890123-AbCdEfGh").expect("secret");
        assert_eq!(verdict.reasons, [Reason::Format("a Slack token")]);
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aHVudGVyMg==").as_deref(), Some("hunter2"));
        assert_eq!(
            decode_base64("c3VwZXJzZWNyZXQxMjM=").as_deref(),
            Some("supersecret123")
        );
        assert_eq!(decode_base64("").as_deref(), Some(""));
        assert_eq!(decode_base64("not base64!"), None);
    }

    #[test]
    fn credentials_anywhere_in_text() {
        let text = "# token: ghp_1234567890abcdefghijklmnopqrstuvwxyz\nRUN curl -H \"Authorization: Bearer xoxb-123456789012-1234567890123-AbCdEfGhIjKl\" x\nKEY=AKIAIOSFODNN7EXAMPLE\n-----BEGIN OPENSSH PRIVATE KEY-----\nsha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945\n";
        let found: Vec<(&str, &str)> = credentials_in(text)
            .iter()
            .map(|(r, f)| (r.slice(text), *f))
            .collect();
        assert_eq!(
            found,
            [
                ("ghp_1234567890abcdefghijklmnopqrstuvwxyz", "a GitHub token"),
                (
                    "xoxb-123456789012-1234567890123-AbCdEfGhIjKl",
                    "a Slack token"
                ),
                ("AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
                ("-----BEGIN OPENSSH PRIVATE KEY-----", "a private key"),
            ]
        );
    }
}
