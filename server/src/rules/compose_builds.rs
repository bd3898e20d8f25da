//! The Compose service that builds the Dockerfile being linted, found from the Dockerfile's side: Compose
//! files in its folder or the folders above it (inside the workspace), whose `build:` points back at it.

use crate::model::compose::{Compose, Service};
use crate::model::yaml::Yaml;
use crate::rules::FileSource;
use crate::rules::compose_support::build_of;

/// Compose file names, in the order Compose itself looks for them.
pub const COMPOSE_FILES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// How many folders up a Compose file is looked for.
const MAX_LEVELS: usize = 3;

/// A Compose file and its service that builds the linted Dockerfile.
pub struct Builder {
    /// The Compose file, relative to the Dockerfile's folder (`../compose.yaml`).
    pub path: String,
    pub text: String,
    pub yaml: Yaml,
    pub service: Service,
    root: Option<crate::model::yaml::NodeId>,
}

impl Builder {
    /// The Compose file's top-level mapping.
    pub fn compose_root(&self) -> Option<crate::model::yaml::NodeId> {
        self.root
    }
}

pub fn compose_building(files: &dyn FileSource) -> Option<Builder> {
    files.file_name()?;
    for level in 0..=MAX_LEVELS {
        let up = "../".repeat(level);
        for name in COMPOSE_FILES {
            let path = format!("{up}{name}");
            let Some(text) = files.read(&path) else {
                continue;
            };
            let yaml = Yaml::read(&text);
            let compose = Compose::read(&yaml);
            let root = compose.root;
            let service = compose.services.into_iter().find(|service| {
                build_of(&yaml, service).is_some_and(|(context, dockerfile)| {
                    let context = context.trim_end_matches('/');
                    files.is_this_file(&format!("{up}{context}/{dockerfile}"))
                })
            });
            if let Some(service) = service {
                return Some(Builder {
                    path,
                    text,
                    yaml,
                    service,
                    root,
                });
            }
        }
    }
    None
}
