//! Number formatting and English month names shared by the answers (pipeline), the
//! evaluation's questions and the page (compiled to wasm32 with the rest of this crate).

/// Thousands separators: `1234567` → `"1,234,567"`, `-21000` → `"-21,000"`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An amount in won with thousands separators and no unit: 21000 → `"21,000"` (callers add
/// `원`, `₩` or `won`).
pub fn won(v: u32) -> String {
    thousands(i64::from(v))
}

/// English month names, January first (`MONTHS_EN[m - 1]`).
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-21000), "-21,000");
        assert_eq!(thousands(i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn won_has_thousands_separators() {
        assert_eq!(won(21_000), "21,000");
        assert_eq!(won(950), "950");
        assert_eq!(won(1_234_567), "1,234,567");
        assert_eq!(won(u32::MAX), "4,294,967,295");
    }
}
