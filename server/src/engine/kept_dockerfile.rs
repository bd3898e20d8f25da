//! What is kept of a Dockerfile linted again and again as it is edited (an open document, a fix-all pass):
//! the last text, its model, its scripts and what its instructions' checks found. The next lint reads
//! again, and checks again, only the instructions that changed; the result is the same as linting the text
//! afresh.

use crate::document::TextRange;
use crate::engine::instruction_findings::InstructionFindings;
use crate::model::dockerfile::Dockerfile;
use crate::model::shell::Scripts;
use crate::rules::Diagnostic;
use crate::rules::settings::Settings;

#[derive(Default)]
pub struct KeptDockerfile {
    /// The text of the last lint.
    source: String,
    /// Its model, between lints (taken while a lint runs).
    file: Option<Dockerfile>,
    /// Its instructions' extents and escape character, which its scripts were read with.
    extents: Vec<TextRange>,
    escape: char,
    scripts: Option<Scripts>,
    found: InstructionFindings,
}

impl KeptDockerfile {
    /// The model of `source`, with the instructions the last text shares with it taken from its model.
    pub fn model(&mut self, source: &str) -> Dockerfile {
        match self.file.take() {
            Some(old) => Dockerfile::reparse(source, &self.source, old),
            None => Dockerfile::parse(source),
        }
    }

    /// The scripts of `file`, the model of `source`, with those of the `RUN`s the last text shares with it
    /// taken from its scripts.
    pub fn scripts(&mut self, source: &str, file: &Dockerfile) -> Scripts {
        match self.scripts.take() {
            Some(old) => {
                let old_text = (self.source.as_str(), self.extents.as_slice(), self.escape);
                Scripts::reread(source, file, old_text, old)
            }
            None => Scripts::read(source, file),
        }
    }

    /// Keep `scripts`, those of the text being linted, for the next lint.
    pub fn keep_scripts(&mut self, scripts: Scripts) {
        self.scripts = Some(scripts);
    }

    /// What the instruction checks `settings` enables find in `file`, the model of `source`: found again
    /// only in the instructions that changed since the last lint.
    pub fn instruction_findings(
        &mut self,
        source: &str,
        file: &Dockerfile,
        scripts: &Scripts,
        settings: &Settings,
    ) -> Vec<Diagnostic> {
        self.found
            .run(&self.source, source, file, scripts, settings)
    }

    /// Keep `file`, the model of `source`, for the next lint.
    pub fn keep(&mut self, source: &str, file: Dockerfile) {
        self.source.clear();
        self.source.push_str(source);
        self.extents = file.instructions.iter().map(|i| i.extent()).collect();
        self.escape = file.escape;
        self.file = Some(file);
    }
}
