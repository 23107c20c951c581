//! Small pure formatting helpers (tested natively, used on both sides).

/// `1234567` → `"1,234,567"` (the one implementation is in `jeju-api`).
pub use jeju_api::format::thousands;

/// Milliseconds as shown in the progress row and the trace: `"12 ms"`, `"1.4 s"`.
pub fn duration(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        "–".to_owned()
    } else if ms < 1000.0 {
        format!("{} ms", ms.round() as i64)
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// A rating with one decimal: `"4.3"`.
pub fn rating(r: f64) -> String {
    format!("{r:.1}")
}

/// Percent-encodes a query-string value (everything but RFC 3986 unreserved characters).
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A link from the server is used as an `href` only when it is a plain web address
/// (never `javascript:` or `data:`).
pub fn safe_href(url: &str) -> Option<&str> {
    let head: String = url.trim_start().chars().take(8).collect();
    let head = head.to_ascii_lowercase();
    (head.starts_with("https://") || head.starts_with("http://")).then_some(url)
}

/// JSON made safe to sit inside a `<script>` element: every `<` becomes `\u003c`, so no text in
/// the state (a review that says `</script>`, `<!--`) can end or confuse the script element.
/// `\u003c` is an ordinary JSON escape, so the browser's `JSON.parse`/serde read the same value.
pub fn json_for_script(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// The number of characters of a question as the server counts them (Unicode scalar values).
pub fn char_count(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_switch_to_seconds() {
        assert_eq!(duration(12.4), "12 ms");
        assert_eq!(duration(1432.0), "1.4 s");
        assert_eq!(duration(f64::NAN), "–");
    }

    #[test]
    fn query_values_are_percent_encoded_as_utf8() {
        assert_eq!(url_encode("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(url_encode("흑돼지"), "%ED%9D%91%EB%8F%BC%EC%A7%80");
        assert_eq!(url_encode("x-y_z.~"), "x-y_z.~");
    }

    #[test]
    fn only_web_links_become_hrefs() {
        assert!(safe_href("https://map.kakao.com/?q=x").is_some());
        assert!(safe_href("HTTP://example.com").is_some());
        assert!(safe_href("javascript:alert(1)").is_none());
        assert!(safe_href(" data:text/html,x").is_none());
        assert!(safe_href("").is_none());
        assert!(safe_href("http://한국.kr").is_some());
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let json = serde_json::to_string("</script><script>alert(1)</script><!--").unwrap();
        let safe = json_for_script(&json);
        assert!(!safe.contains('<'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "</script><script>alert(1)</script><!--");
    }

    #[test]
    fn characters_are_counted_not_bytes() {
        assert_eq!(char_count("흑돼지"), 3);
        assert_eq!(char_count("abc"), 3);
    }
}
