//! Korean text helpers: particle (josa) choice after a word, template rendering, sentence
//! endings in three registers, and the spelling noise of real reviews.

use crate::rng::{self, SynthRng};

/// The final consonant index of a Hangul syllable (0 = none); `None` for other characters.
fn jong(c: char) -> Option<u32> {
    let u = c as u32;
    (0xAC00..=0xD7A3).contains(&u).then(|| (u - 0xAC00) % 28)
}

/// Whether the text ends in a consonant sound, and whether that consonant is ㄹ.
fn final_sound(text: &str) -> (bool, bool) {
    let Some(c) = text.trim_end().chars().last() else {
        return (false, false);
    };
    if let Some(j) = jong(c) {
        return (j != 0, j == 8);
    }
    match c {
        // 영, 일, 삼, 육, 칠, 팔, 십 end in a consonant; 일, 칠, 팔 in ㄹ.
        '0' | '3' | '6' => (true, false),
        '1' | '7' | '8' => (true, true),
        _ => (false, false),
    }
}

/// Picks the particle form for the text before it: `이/가`, `은/는`, `을/를`, `과/와`,
/// `이랑/랑`, `으로/로`, `이에요/예요` ...
fn josa<'a>(before: &str, token: &'a str) -> &'a str {
    let Some((with, without)) = token.split_once('/') else {
        return token;
    };
    let (consonant, rieul) = final_sound(before);
    if consonant && !(with == "으로" && rieul) {
        with
    } else {
        without
    }
}

/// Renders `{name}` placeholders through `lookup` and `{A/B}` particles against the text
/// rendered so far. Unknown placeholders render as nothing.
pub(crate) fn render(template: &str, lookup: &mut dyn FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &rest[start + 1..start + len];
        if key.contains('/') {
            let form = josa(&out, key);
            out.push_str(form);
        } else {
            let value = lookup(key);
            out.push_str(&value);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// Register of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Register {
    /// -어요 (the templates' own form).
    Polite,
    /// -습니다.
    Formal,
    /// -음 / -함, as in terse reviews.
    Casual,
}

const FORMAL: &[(&str, &str)] = &[
    ("거예요", "겁니다"),
    ("있어요", "있습니다"),
    ("없어요", "없습니다"),
    ("좋아요", "좋습니다"),
    ("같아요", "같습니다"),
    ("했어요", "했습니다"),
    ("였어요", "였습니다"),
    ("었어요", "었습니다"),
    ("았어요", "았습니다"),
    ("이에요", "입니다"),
    ("예요", "입니다"),
    ("해요", "합니다"),
    ("돼요", "됩니다"),
    ("올게요", "오겠습니다"),
    ("갈게요", "가겠습니다"),
];

const CASUAL: &[(&str, &str)] = &[
    ("거예요", "거임"),
    ("있어요", "있음"),
    ("없어요", "없음"),
    ("좋아요", "좋음"),
    ("같아요", "같음"),
    ("했어요", "했음"),
    ("였어요", "였음"),
    ("었어요", "었음"),
    ("았어요", "았음"),
    ("이에요", "임"),
    ("예요", "임"),
    ("해요", "함"),
    ("돼요", "됨"),
    ("네요", "네"),
    ("올게요", "올게"),
    ("갈게요", "갈게"),
    ("합니다", "함"),
    ("었습니다", "었음"),
    ("았습니다", "았음"),
    ("있습니다", "있음"),
];

/// Rewrites the ending of one sentence (no final punctuation) into a register.
pub(crate) fn with_register(sentence: &str, register: Register) -> String {
    let table = match register {
        Register::Polite => return sentence.to_owned(),
        Register::Formal => FORMAL,
        Register::Casual => CASUAL,
    };
    for (from, to) in table {
        if let Some(stem) = sentence.strip_suffix(from) {
            return format!("{stem}{to}");
        }
    }
    sentence.to_owned()
}

/// Real-review spelling noise: 맛있→맛잇, 진짜→ㄹㅇ, 너무→넘, 정말→증말, dropped spaces.
pub(crate) fn spelling_noise(rng: &mut SynthRng, text: &str) -> String {
    let mut s = text.to_owned();
    if rng::chance(rng, 0.05) {
        s = s.replace("맛있", "맛잇");
    }
    if rng::chance(rng, 0.12) {
        s = s.replace("진짜", "ㄹㅇ");
    }
    if rng::chance(rng, 0.22) {
        s = s.replace("너무", "넘");
    } else if rng::chance(rng, 0.04) {
        s = s.replacen("너무", "너무너무", 1);
    }
    if rng::chance(rng, 0.04) {
        s = s.replace("정말", "증말");
    }
    if rng::chance(rng, 0.03) {
        s = s.replace("좋아요", "좋아용").replace("있어요", "있어용");
    }
    if rng::chance(rng, 0.07) {
        // Drop most spaces, as in reviews typed on a phone.
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c == ' ' && rng::chance(rng, 0.6) {
                continue;
            }
            out.push(c);
        }
        s = out;
    }
    s
}

/// Makes review text safe for one JSONL field: no control characters, single spaces, at
/// most `max_chars` characters (cut at a sentence end where possible).
pub(crate) fn sanitize(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    let out = out.trim().to_owned();
    if out.chars().count() <= max_chars {
        return out;
    }
    let cut: String = out.chars().take(max_chars).collect();
    match cut.rfind(['.', '!', '?']) {
        Some(i) if i > cut.len() / 2 => cut[..=i].to_owned(),
        _ => cut.trim_end().to_owned(),
    }
}

/// Formats won the way reviews write it: `18,000원` or `1만8천원`.
pub(crate) fn won(rng: &mut SynthRng, price: u32) -> String {
    if price >= 10_000 && price % 1_000 == 0 && rng::chance(rng, 0.3) {
        let man = price / 10_000;
        let cheon = price % 10_000 / 1_000;
        return if cheon == 0 {
            format!("{man}만원")
        } else {
            format!("{man}만{cheon}천원")
        };
    }
    let digits = price.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push('원');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(t: &str, item: &str) -> String {
        render(t, &mut |k| {
            if k == "item" {
                item.to_owned()
            } else {
                String::new()
            }
        })
    }

    #[test]
    fn particles_follow_the_final_sound() {
        assert_eq!(
            r("{item}{이/가} 맛있어요", "고기국수"),
            "고기국수가 맛있어요"
        );
        assert_eq!(
            r("{item}{이/가} 맛있어요", "흑돼지 오겹살"),
            "흑돼지 오겹살이 맛있어요"
        );
        assert_eq!(r("{item}{은/는}", "몸국"), "몸국은");
        assert_eq!(r("{item}{을/를}", "커피"), "커피를");
        assert_eq!(r("{item}{으로/로}", "갈치조림"), "갈치조림으로");
        assert_eq!(r("{item}{으로/로}", "고기국수"), "고기국수로");
        assert_eq!(r("{item}{으로/로}", "소금빵"), "소금빵으로");
        assert_eq!(r("{item}{으로/로}", "물회 한 그릇 일"), "물회 한 그릇 일로");
        assert_eq!(r("{item}{이에요/예요}", "18,000원"), "18,000원이에요");
        assert_eq!(r("{item}{이랑/랑}", "Coffee"), "Coffee랑");
        assert_eq!(r("{unknown}x{", ""), "x{");
    }

    #[test]
    fn registers_rewrite_endings_only() {
        assert_eq!(
            with_register("진짜 맛있어요", Register::Formal),
            "진짜 맛있습니다"
        );
        assert_eq!(
            with_register("진짜 맛있어요", Register::Casual),
            "진짜 맛있음"
        );
        assert_eq!(
            with_register("재방문 의사 있어요", Register::Casual),
            "재방문 의사 있음"
        );
        assert_eq!(
            with_register("꼭 드셔 보세요", Register::Formal),
            "꼭 드셔 보세요"
        );
        assert_eq!(with_register("강추", Register::Casual), "강추");
    }

    #[test]
    fn sanitize_and_won() {
        assert_eq!(sanitize("a\nb\t c  d\r", 400), "a b c d");
        let long = "가나다라마. ".repeat(100);
        let s = sanitize(&long, 50);
        assert!(s.chars().count() <= 50 && s.ends_with('.'), "{s}");
        let mut rng = crate::rng::stream(1, crate::rng::Stage::Reviews, 0);
        for _ in 0..20 {
            let w = won(&mut rng, 18_000);
            assert!(w == "18,000원" || w == "1만8천원", "{w}");
            assert_eq!(won(&mut rng, 4_500), "4,500원");
        }
    }
}
