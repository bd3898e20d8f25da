//! Why a file, or one document of a YAML stream, is not linted in full. Every such case is reported by a
//! `skipped-file` finding: a file that silently yields nothing reads as "no problems".

/// One reason for not linting in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Skip {
    /// A Helm chart template: `{{ … }}` actions stand where YAML structure goes, so the text is not the
    /// manifest it renders to. Not linted until charts are rendered.
    HelmTemplate,
    /// Not valid UTF-8: linted as decoded, each invalid sequence read as U+FFFD; fixes are not applied.
    NotUtf8,
    /// Larger than `max-file-size`: its first part is linted, without shell parsing and without the files
    /// around it; fixes are not applied.
    TooLarge,
}

impl Skip {
    /// What the finding says, after "not linted in full: ".
    pub fn reason(self) -> &'static str {
        match self {
            Skip::HelmTemplate => {
                "a Helm template (`{{ … }}` where YAML structure goes); lint the rendered manifests (`helm template`)"
            }
            Skip::NotUtf8 => {
                "not UTF-8; linted with each invalid byte sequence read as U+FFFD, and fixes are not applied"
            }
            Skip::TooLarge => {
                "larger than `max-file-size`; its first part is linted, without shell scripts or the files around it, and fixes are not applied"
            }
        }
    }
}
