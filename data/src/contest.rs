//! The contest CSV (`JEJU_MCT_DATA_v2.csv` format): one row per merchant per month.
//!
//! Reading is by header name, so extra columns (an index column, say) are ignored; the file
//! may be cp949 (the original) or UTF-8, detected from the bytes. Ratios are fractions in
//! `[0, 1]`; a file written in percent (any ratio above 1) is detected and scaled once for
//! the whole file. Every malformed row becomes a [`RowError`] with its line; none is dropped
//! silently.

use std::fmt;
use std::path::Path;

use crate::error::{DataError, RowError};

/// The 28 columns, in the contest file's order.
pub const COLUMNS: [&str; 28] = [
    "YM",
    "MCT_NM",
    "OP_YMD",
    "MCT_TYPE",
    "ADDR",
    "UE_CNT_GRP",
    "UE_AMT_GRP",
    "UE_AMT_PER_TRSN_GRP",
    "MON_UE_CNT_RAT",
    "TUE_UE_CNT_RAT",
    "WED_UE_CNT_RAT",
    "THU_UE_CNT_RAT",
    "FRI_UE_CNT_RAT",
    "SAT_UE_CNT_RAT",
    "SUN_UE_CNT_RAT",
    "HR_5_11_UE_CNT_RAT",
    "HR_12_13_UE_CNT_RAT",
    "HR_14_17_UE_CNT_RAT",
    "HR_18_22_UE_CNT_RAT",
    "HR_23_4_UE_CNT_RAT",
    "LOCAL_UE_CNT_RAT",
    "RC_M12_MAL_CUS_CNT_RAT",
    "RC_M12_FME_CUS_CNT_RAT",
    "RC_M12_AGE_UND_20_CUS_CNT_RAT",
    "RC_M12_AGE_30_CUS_CNT_RAT",
    "RC_M12_AGE_40_CUS_CNT_RAT",
    "RC_M12_AGE_50_CUS_CNT_RAT",
    "RC_M12_AGE_OVR_60_CUS_CNT_RAT",
];

/// Index of the first ratio column in [`COLUMNS`]; all columns from here on are ratios.
pub const FIRST_RATIO: usize = 8;
/// Number of ratio columns.
pub const RATIO_COUNT: usize = COLUMNS.len() - FIRST_RATIO;

/// Graph property names of the ratio columns, in [`COLUMNS`] order (documented in
/// ARCHITECTURE.md; short, readable names for Cypher writers, human or LLM).
pub const RATIO_PROPERTIES: [&str; RATIO_COUNT] = [
    "mon_ratio",
    "tue_ratio",
    "wed_ratio",
    "thu_ratio",
    "fri_ratio",
    "sat_ratio",
    "sun_ratio",
    "hr_5_11_ratio",
    "hr_12_13_ratio",
    "hr_14_17_ratio",
    "hr_18_22_ratio",
    "hr_23_4_ratio",
    "local_ratio",
    "male_ratio",
    "female_ratio",
    "age_20_under_ratio",
    "age_30_ratio",
    "age_40_ratio",
    "age_50_ratio",
    "age_60_over_ratio",
];

/// The six percentile buckets of the usage columns. Rank 1 is the busiest 10%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    Top10,
    Top10To25,
    Top25To50,
    Top50To75,
    Top75To90,
    Bottom10,
}

impl Bucket {
    pub const ALL: [Bucket; 6] = [
        Bucket::Top10,
        Bucket::Top10To25,
        Bucket::Top25To50,
        Bucket::Top50To75,
        Bucket::Top75To90,
        Bucket::Bottom10,
    ];

    /// The exact string of the contest file.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Top10 => "1_상위 10% 이하",
            Bucket::Top10To25 => "2_10~25%",
            Bucket::Top25To50 => "3_25~50%",
            Bucket::Top50To75 => "4_50~75%",
            Bucket::Top75To90 => "5_75~90%",
            Bucket::Bottom10 => "6_90% 초과(하위 10% 이하)",
        }
    }

    /// 1 (busiest) ..= 6.
    pub fn rank(self) -> u8 {
        self as u8 + 1
    }

    pub fn from_rank(rank: u8) -> Option<Bucket> {
        Bucket::ALL.get(usize::from(rank).checked_sub(1)?).copied()
    }

    /// Parses the exact contest string (surrounding whitespace ignored).
    pub fn parse(s: &str) -> Option<Bucket> {
        let s = s.trim();
        Bucket::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One merchant-month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyRecord {
    /// `YYYYMM`.
    pub ym: u32,
    pub name: String,
    /// `YYYYMMDD`, or empty where the file leaves it blank.
    pub opened: String,
    pub store_type: String,
    /// May be empty (the real file has blank addresses).
    pub address: String,
    pub count_bucket: Bucket,
    pub amount_bucket: Bucket,
    pub per_transaction_bucket: Bucket,
    /// Ratios as fractions in `[0, 1]`, in [`COLUMNS`] order from [`FIRST_RATIO`]; `None` where
    /// the file has a blank.
    pub ratios: [Option<f64>; RATIO_COUNT],
}

impl MonthlyRecord {
    /// The merchant's id (see [`crate::store_id`]).
    pub fn store_id(&self) -> String {
        crate::store_id(&self.name, &self.address, &self.opened, &self.store_type)
    }

    /// A ratio by its graph property name.
    pub fn ratio(&self, property: &str) -> Option<f64> {
        let i = RATIO_PROPERTIES.iter().position(|p| *p == property)?;
        self.ratios[i]
    }
}

/// Text encoding of a contest file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// Windows code page 949 (a superset of EUC-KR), the original file's encoding.
    Cp949,
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Cp949 => "cp949",
        })
    }
}

/// How the file wrote its ratios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatioScale {
    Fraction,
    Percent,
}

/// A parsed contest file: good records and the rows that were rejected, with reasons.
#[derive(Debug)]
pub struct ContestFile {
    pub encoding: TextEncoding,
    pub ratio_scale: RatioScale,
    pub records: Vec<MonthlyRecord>,
    pub errors: Vec<RowError>,
    /// Data rows seen (records + errors).
    pub rows: u64,
}

/// Decodes bytes that are UTF-8 (with or without BOM) or cp949.
pub fn decode(bytes: &[u8]) -> (String, TextEncoding) {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => (s.to_owned(), TextEncoding::Utf8),
        Err(_) => {
            // encoding_rs's EUC-KR is the WHATWG definition, i.e. windows-949.
            let (text, _, _) = encoding_rs::EUC_KR.decode(body);
            (text.into_owned(), TextEncoding::Cp949)
        }
    }
}

/// Reads a contest CSV from disk.
pub fn read_contest_csv(path: &Path) -> Result<ContestFile, DataError> {
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    parse_contest_csv(path, &bytes)
}

/// Parses contest CSV bytes; `path` is used in messages only.
pub fn parse_contest_csv(path: &Path, bytes: &[u8]) -> Result<ContestFile, DataError> {
    let (text, encoding) = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let not_contest = |reason: String| DataError::NotContestCsv {
        path: path.to_path_buf(),
        reason,
    };
    let headers = reader
        .headers()
        .map_err(|e| not_contest(format!("unreadable header: {e}")))?
        .clone();
    let mut index = [0usize; 28];
    let mut missing = Vec::new();
    for (i, column) in COLUMNS.iter().enumerate() {
        match headers.iter().position(|h| h.trim() == *column) {
            Some(p) => index[i] = p,
            None => missing.push(*column),
        }
    }
    if !missing.is_empty() {
        return Err(not_contest(format!(
            "missing columns {}",
            missing.join(", ")
        )));
    }

    let lines = LineIndex::new(text.as_bytes());
    let mut raw = Vec::new();
    let mut errors = Vec::new();
    let mut rows = 0u64;
    let mut max_ratio = 0.0f64;
    for result in reader.records() {
        rows += 1;
        let fallback_line = rows + 1;
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| lines.line_at(p.byte()))
                    .unwrap_or(fallback_line);
                errors.push(row_error(path, line, format!("unreadable CSV row: {e}")));
                continue;
            }
        };
        let line = record
            .position()
            .map(|p| lines.line_at(p.byte()))
            .unwrap_or(fallback_line);
        if record.len() != headers.len() {
            errors.push(row_error(
                path,
                line,
                format!("{} fields, header has {}", record.len(), headers.len()),
            ));
            continue;
        }
        let field = |i: usize| record.get(index[i]).unwrap_or("").trim();
        match parse_row(&field) {
            Ok(rec) => {
                for r in rec.ratios.iter().flatten() {
                    max_ratio = max_ratio.max(*r);
                }
                raw.push((line, rec));
            }
            Err(message) => errors.push(row_error(path, line, message)),
        }
    }

    let ratio_scale = if max_ratio > 1.0 + 1e-9 {
        RatioScale::Percent
    } else {
        RatioScale::Fraction
    };
    let mut records = Vec::with_capacity(raw.len());
    for (_line, mut rec) in raw {
        if ratio_scale == RatioScale::Percent {
            for r in rec.ratios.iter_mut().flatten() {
                *r /= 100.0;
            }
        }
        records.push(rec);
    }
    errors.sort_by_key(|e| e.line);
    Ok(ContestFile {
        encoding,
        ratio_scale,
        records,
        errors,
        rows,
    })
}

/// Maps byte offsets to 1-based line numbers.
///
/// The csv crate's own `Position::line` (and `byte`) lag by one line in CRLF files: a record's
/// position points at the `\n` that ends the previous line. Line endings at the offset are
/// skipped before counting, which gives the physical line for both `\n` and `\r\n` files.
struct LineIndex<'a> {
    text: &'a [u8],
    newlines: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a [u8]) -> Self {
        let newlines = text
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        LineIndex { text, newlines }
    }

    fn line_at(&self, byte: u64) -> u64 {
        let mut at = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while at < self.text.len() && matches!(self.text[at], b'\r' | b'\n') {
            at += 1;
        }
        self.newlines.partition_point(|&nl| nl < at) as u64 + 1
    }
}

fn row_error(path: &Path, line: u64, message: String) -> RowError {
    RowError {
        file: path.to_path_buf(),
        line,
        message,
    }
}

fn parse_row<'a>(field: &dyn Fn(usize) -> &'a str) -> Result<MonthlyRecord, String> {
    let ym = parse_ym(field(0))?;
    let name = field(1);
    if name.is_empty() {
        return Err("MCT_NM is empty".into());
    }
    let opened = field(2);
    if !opened.is_empty() {
        check_ymd(opened)?;
    }
    let store_type = field(3);
    if store_type.is_empty() {
        return Err("MCT_TYPE is empty".into());
    }
    let bucket = |i: usize| {
        Bucket::parse(field(i)).ok_or_else(|| {
            format!(
                "{} is {:?}, not one of the six bucket strings",
                COLUMNS[i],
                field(i)
            )
        })
    };
    let mut ratios = [None; RATIO_COUNT];
    for (k, slot) in ratios.iter_mut().enumerate() {
        let i = FIRST_RATIO + k;
        let s = field(i);
        if s.is_empty() {
            continue;
        }
        let v: f64 = s
            .parse()
            .map_err(|_| format!("{} is {s:?}, not a number", COLUMNS[i]))?;
        if !v.is_finite() || !(0.0..=100.0).contains(&v) {
            return Err(format!(
                "{} is {s}, outside 0..=1 (or 0..=100 %)",
                COLUMNS[i]
            ));
        }
        *slot = Some(v);
    }
    Ok(MonthlyRecord {
        ym,
        name: name.to_owned(),
        opened: opened.to_owned(),
        store_type: store_type.to_owned(),
        address: field(4).to_owned(),
        count_bucket: bucket(5)?,
        amount_bucket: bucket(6)?,
        per_transaction_bucket: bucket(7)?,
        ratios,
    })
}

fn parse_ym(s: &str) -> Result<u32, String> {
    let bad = || format!("YM is {s:?}, not YYYYMM");
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let v: u32 = s.parse().map_err(|_| bad())?;
    let (year, month) = (v / 100, v % 100);
    if !(1990..=2100).contains(&year) || !(1..=12).contains(&month) {
        return Err(bad());
    }
    Ok(v)
}

fn check_ymd(s: &str) -> Result<(), String> {
    let bad = || format!("OP_YMD is {s:?}, not YYYYMMDD");
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let v: u32 = s.parse().map_err(|_| bad())?;
    let (year, month, day) = (v / 10_000, v / 100 % 100, v % 100);
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    Ok(())
}

/// Formats a ratio the way the generator writes it: up to 4 decimals, no trailing zeros.
pub fn format_ratio(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// Encodes text as cp949; the flag says some character had no cp949 form.
pub fn encode_cp949(text: &str) -> (Vec<u8>, bool) {
    let (bytes, _, had_errors) = encoding_rs::EUC_KR.encode(text);
    (bytes.into_owned(), had_errors)
}

/// Serializes records as a contest CSV in the given encoding.
pub fn write_contest_csv(
    path: &Path,
    records: &[MonthlyRecord],
    encoding: TextEncoding,
) -> Result<(), DataError> {
    let write_err = |e: std::io::Error| DataError::Write {
        path: path.to_path_buf(),
        source: e,
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(records.len() * 256));
    let csv_err = |e: csv::Error| write_err(std::io::Error::other(e));
    w.write_record(COLUMNS).map_err(csv_err)?;
    for r in records {
        let mut fields: Vec<String> = Vec::with_capacity(28);
        fields.push(r.ym.to_string());
        fields.push(r.name.clone());
        fields.push(r.opened.clone());
        fields.push(r.store_type.clone());
        fields.push(r.address.clone());
        fields.push(r.count_bucket.as_str().to_owned());
        fields.push(r.amount_bucket.as_str().to_owned());
        fields.push(r.per_transaction_bucket.as_str().to_owned());
        for v in &r.ratios {
            fields.push(v.map(format_ratio).unwrap_or_default());
        }
        w.write_record(&fields).map_err(csv_err)?;
    }
    let utf8 = w.into_inner().map_err(|e| write_err(e.into_error()))?;
    let bytes = match encoding {
        TextEncoding::Utf8 => utf8,
        TextEncoding::Cp949 => {
            let text = String::from_utf8(utf8).map_err(|e| write_err(std::io::Error::other(e)))?;
            let (bytes, had_errors) = encode_cp949(&text);
            if had_errors {
                let sample = text
                    .chars()
                    .find(|c| encode_cp949(c.encode_utf8(&mut [0u8; 4])).1)
                    .map(String::from)
                    .unwrap_or_default();
                return Err(DataError::Unencodable {
                    path: path.to_path_buf(),
                    sample,
                });
            }
            bytes
        }
    };
    std::fs::write(path, bytes).map_err(write_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> MonthlyRecord {
        let mut ratios = [Some(0.1); RATIO_COUNT];
        ratios[RATIO_COUNT - 1] = None;
        MonthlyRecord {
            ym: 202301,
            name: "통큰돼지".into(),
            opened: "20110701".into(),
            store_type: "가정식".into(),
            address: "제주 제주시 용담이동 2682-9번지 통큰돼지".into(),
            count_bucket: Bucket::Top10,
            amount_bucket: Bucket::Top25To50,
            per_transaction_bucket: Bucket::Bottom10,
            ratios,
        }
    }

    #[test]
    fn buckets_round_trip_with_exact_strings() {
        assert_eq!(Bucket::ALL.len(), 6);
        for b in Bucket::ALL {
            assert_eq!(Bucket::parse(b.as_str()), Some(b));
            assert_eq!(Bucket::from_rank(b.rank()), Some(b));
        }
        assert_eq!(
            Bucket::parse("6_90% 초과(하위 10% 이하)").unwrap().rank(),
            6
        );
        assert_eq!(Bucket::parse("1_상위 10%"), None);
        assert_eq!(Bucket::from_rank(0), None);
        assert_eq!(Bucket::from_rank(7), None);
    }

    #[test]
    fn writes_and_reads_both_encodings() {
        let dir = tempfile::tempdir().unwrap();
        for enc in [TextEncoding::Cp949, TextEncoding::Utf8] {
            let path = dir.path().join(format!("{enc}.csv"));
            write_contest_csv(&path, &[sample(), sample()], enc).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(
                std::str::from_utf8(&bytes).is_ok(),
                enc == TextEncoding::Utf8
            );
            let file = read_contest_csv(&path).unwrap();
            assert_eq!(file.encoding, enc);
            assert_eq!(file.errors, vec![]);
            assert_eq!(file.records, vec![sample(), sample()]);
        }
    }

    #[test]
    fn malformed_rows_are_reported_with_lines() {
        let header = COLUMNS.join(",");
        let good = "202301,가게,20200101,커피,제주 제주시 연동 1,1_상위 10% 이하,2_10~25%,3_25~50%,0.1,0.1,0.1,0.1,0.2,0.2,0.2,0.1,0.3,0.2,0.3,0.1,0.5,0.4,0.6,0.1,0.3,0.2,0.2,0.2";
        let bad_bucket = good.replace("2_10~25%", "2_10-25%");
        let bad_ym = good.replacen("202301", "2023-1", 1);
        let short = "202301,가게";
        let bad_ratio = good.replacen(",0.5,", ",abc,", 1);
        let rows = [
            header.as_str(),
            good,
            &bad_bucket,
            &bad_ym,
            short,
            &bad_ratio,
            good,
        ];
        for ending in ["\r\n", "\n"] {
            let text = rows.join(ending) + ending;
            let file = parse_contest_csv(Path::new("x.csv"), text.as_bytes()).unwrap();
            let lines: Vec<u64> = file.errors.iter().map(|e| e.line).collect();
            assert_eq!(lines, vec![3, 4, 5, 6], "line ending {ending:?}");
        }
        let text = rows.join("\n");
        let file = parse_contest_csv(Path::new("x.csv"), text.as_bytes()).unwrap();
        assert_eq!(file.records.len(), 2);
        assert_eq!(file.rows, 6);
        assert!(
            file.errors[0].message.contains("UE_AMT_GRP"),
            "{}",
            file.errors[0]
        );
        assert!(file.errors[1].message.contains("YM"));
        assert!(file.errors[2].message.contains("fields"));
        assert!(file.errors[3].message.contains("LOCAL_UE_CNT_RAT"));
        assert_eq!(
            file.errors[0].to_string(),
            format!("x.csv:3: {}", file.errors[0].message)
        );
    }

    #[test]
    fn percent_files_are_scaled_and_extra_columns_ignored() {
        let header = format!("idx,{}", COLUMNS.join(","));
        let row = "0,202312,가게,,커피,,1_상위 10% 이하,2_10~25%,3_25~50%,10,10,10,10,20,20,20,10,30,20,30,10,50,40,60,10,30,20,20,20";
        let text = format!("\u{feff}{header}\r\n{row}\r\n");
        let file = parse_contest_csv(Path::new("p.csv"), text.as_bytes()).unwrap();
        assert_eq!(file.errors, vec![]);
        assert_eq!(file.ratio_scale, RatioScale::Percent);
        let r = &file.records[0];
        assert_eq!(r.address, "");
        assert_eq!(r.opened, "");
        assert!((r.ratio("local_ratio").unwrap() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn missing_columns_reject_the_file() {
        let err = parse_contest_csv(Path::new("n.csv"), b"a,b\n1,2\n").unwrap_err();
        assert!(err.to_string().contains("missing columns YM"), "{err}");
    }

    #[test]
    fn ratio_formatting() {
        assert_eq!(format_ratio(0.25), "0.25");
        assert_eq!(format_ratio(0.0), "0");
        assert_eq!(format_ratio(1.0), "1");
        assert_eq!(format_ratio(0.123456), "0.1235");
    }
}
