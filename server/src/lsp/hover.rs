//! Hover over a finding: the rule's documentation, in markdown.

use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use super::backend::Backend;
use super::convert;

pub fn hover(backend: &Backend, params: HoverParams) -> Option<Hover> {
    let position = params.text_document_position_params;
    let encoding = backend.session().encoding;
    let documents = backend.documents();
    let document = documents.get(&position.text_document.uri)?;
    let offset = convert::offset(&document.lines(), position.position, encoding);
    let mut rules: Vec<_> = document
        .diagnostics
        .located()
        .filter(|(start, d)| d.range.start + start <= offset && offset <= d.range.end + start)
        .map(|(_, d)| d.rule)
        .collect();
    rules.dedup();
    if rules.is_empty() {
        return None;
    }
    let value = rules
        .iter()
        .map(|r| r.meta().docs())
        .collect::<Vec<_>>()
        .join("\n---\n\n");
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: None,
    })
}
