//! The pipeline both faces run: a file's text is parsed, read into its model, checked by the enabled rules,
//! then filtered (suppressions, Pod Security admission, YAML merge keys) into its findings. Around it: the
//! per-document cache of YAML streams, the workspace index, configs, reads of files beside the linted one,
//! cross-file merges (Compose overrides, kustomize patches) and applying every fix of a file.

pub mod admission;
pub mod compose_stack;
pub mod config;
pub mod disk;
pub mod dockerfile;
pub mod file_cache;
pub mod findings;
pub mod fix_all;
pub mod instruction_findings;
pub mod kept_dockerfile;
pub mod kustomize;
pub mod lint;
pub mod merge_keys;
pub mod run_rules;
pub mod suppress;
pub mod surroundings;
pub mod workspace;
pub mod yaml;
pub mod yaml_stream;
