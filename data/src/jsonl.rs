//! Line-numbered JSON Lines reading and writing.

use std::io::{BufWriter, Write};
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{DataError, RowError};

/// Parsed lines and the lines that were rejected. Blank lines are skipped.
#[derive(Debug)]
pub struct JsonlFile<T> {
    pub items: Vec<T>,
    /// The 1-based line of each item, parallel to `items`.
    pub lines: Vec<u64>,
    pub errors: Vec<RowError>,
}

/// Reads a JSONL file; a line that does not parse becomes a [`RowError`], never a panic.
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<JsonlFile<T>, DataError> {
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut items = Vec::new();
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<T>(line) {
            Ok(item) => {
                items.push(item);
                lines.push(line_no);
            }
            Err(e) => errors.push(RowError {
                file: path.to_path_buf(),
                line: line_no,
                message: format!("invalid record: {e}"),
            }),
        }
    }
    Ok(JsonlFile {
        items,
        lines,
        errors,
    })
}

/// Writes one JSON object per line (`\n` endings).
pub fn write_jsonl<'a, T: Serialize + 'a>(
    path: &Path,
    items: impl IntoIterator<Item = &'a T>,
) -> Result<(), DataError> {
    let write_err = |e: std::io::Error| DataError::Write {
        path: path.to_path_buf(),
        source: e,
    };
    let file = std::fs::File::create(path).map_err(write_err)?;
    let mut w = BufWriter::new(file);
    for item in items {
        serde_json::to_writer(&mut w, item).map_err(|e| DataError::Json {
            path: path.to_path_buf(),
            source: e,
        })?;
        w.write_all(b"\n").map_err(write_err)?;
    }
    w.flush().map_err(write_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::MenuItem;

    #[test]
    fn round_trip_and_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.jsonl");
        let items = vec![
            MenuItem {
                name: "흑돼지".into(),
                price: 18000,
            },
            MenuItem {
                name: "갈치조림".into(),
                price: 45000,
            },
        ];
        write_jsonl(&path, &items).unwrap();
        let back: JsonlFile<MenuItem> = read_jsonl(&path).unwrap();
        assert_eq!(back.items, items);
        assert!(back.errors.is_empty());

        std::fs::write(
            &path,
            "{\"name\":\"a\",\"price\":1}\n\n{\"name\":\"b\"}\nnot json\n",
        )
        .unwrap();
        let back: JsonlFile<MenuItem> = read_jsonl(&path).unwrap();
        assert_eq!(back.items.len(), 1);
        assert_eq!(back.lines, vec![1]);
        let lines: Vec<u64> = back.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4]);
    }
}
