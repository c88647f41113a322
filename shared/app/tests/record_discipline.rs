//! Use cases speak to the table only through the typed records: outside `records/`
//! (and `keys.rs`, which owns key formats) no source file of this crate builds raw
//! conditions, updates, writes or items, reads attributes by name, or spells an
//! attribute name, a record's type tag or a stored state as a string literal.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals of a source file (plain `"…"` only; good enough for this code).
fn literals(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = src.chars().peekable();
    let mut in_comment = false;
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
            }
        } else if c == '/' && chars.peek() == Some(&'/') {
            in_comment = true;
        } else if c == '"' && prev != '\'' {
            let mut lit = String::new();
            while let Some(d) = chars.next() {
                match d {
                    '\\' => {
                        chars.next();
                    }
                    '"' => break,
                    _ => lit.push(d),
                }
            }
            out.push(lit);
        }
        prev = c;
    }
    out
}

/// Every name the records declare: field names, type tags, and stored enum values.
fn declared_names(records: &[PathBuf]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for path in records {
        let src = std::fs::read_to_string(path).unwrap();
        for marker in ["Field::new(\"", "const TYPE: &'static str = \""] {
            for (i, _) in src.match_indices(marker) {
                let rest = &src[i + marker.len()..];
                names.insert(rest[..rest.find('"').unwrap()].to_owned());
            }
        }
    }
    // Stored states, as serde writes them.
    for state in ["draft", "submitted", "pending", "sent", "failed", "approved", "rejected", "withdrawn"] {
        names.insert(state.to_owned());
    }
    names
}

#[test]
fn use_cases_name_no_attribute_and_build_no_raw_write() {
    let src_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src_dir, &mut files);
    let (records, use_cases): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|p| p.starts_with(src_dir.join("records")));
    let names = declared_names(&records);
    assert!(names.contains("session_version") && names.contains("mail"), "the scan finds the declarations");
    let raw = [
        "Cond::",
        "Update::default",
        "Write::Put",
        "Write::Update",
        "Write::Delete",
        "Write::Check",
        "Item::new",
        ".attrs",
        ".str(\"",
        ".int(\"",
    ];
    let mut problems = Vec::new();
    for path in use_cases.iter().filter(|p| !p.ends_with("keys.rs")) {
        let src = std::fs::read_to_string(path).unwrap();
        let code: String = src.split("#[cfg(test)]").next().unwrap().to_owned();
        for token in raw {
            if code.contains(token) {
                problems.push(format!("{}: uses {token}", path.display()));
            }
        }
        for lit in literals(&code) {
            if names.contains(&lit) {
                problems.push(format!("{}: spells the stored name \"{lit}\"", path.display()));
            }
        }
    }
    assert!(problems.is_empty(), "use cases must go through the typed records:\n{}", problems.join("\n"));
}
