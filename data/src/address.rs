//! Lot-number addresses as written in the contest file, e.g.
//! `제주 제주시 용담이동 2682-9번지 통큰돼지`.

/// City, region (읍/면/동) and village (리) of an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressParts {
    /// 제주시 or 서귀포시.
    pub city: String,
    /// The 읍, 면 or 법정동 token, e.g. 애월읍, 용담이동.
    pub region: String,
    /// The 리 token after a 읍 or 면, e.g. 함덕리 (조천읍): what people name a place by
    /// ("함덕 카페"). `None` in a 동 or when the address has none.
    pub village: Option<String>,
}

/// Finds the city (the first token ending in 시 after the province) and the region (the
/// next token ending in 읍, 면 or 동). Returns `None` for blank or unrecognised addresses.
pub fn parse_address(address: &str) -> Option<AddressParts> {
    let tokens: Vec<&str> = address.split_whitespace().collect();
    let city_at = tokens
        .iter()
        .position(|t| *t == "제주시" || *t == "서귀포시")?;
    let region = tokens.get(city_at + 1)?;
    let is_region =
        ["읍", "면", "동"].iter().any(|s| region.ends_with(s)) && region.chars().count() >= 2;
    let village = tokens
        .get(city_at + 2)
        .filter(|v| {
            v.ends_with('리')
                && v.chars().count() >= 2
                && v.chars().all(|c| ('가'..='힣').contains(&c))
        })
        .map(|v| (*v).to_owned());
    is_region.then(|| AddressParts {
        city: tokens[city_at].to_owned(),
        region: (*region).to_owned(),
        village,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_contest_addresses() {
        let p = parse_address("제주 제주시 용담이동 2682-9번지 통큰돼지").unwrap();
        assert_eq!((p.city.as_str(), p.region.as_str()), ("제주시", "용담이동"));
        assert_eq!(p.village, None);
        let p = parse_address("제주특별자치도 서귀포시 안덕면 사계리 123").unwrap();
        assert_eq!((p.city.as_str(), p.region.as_str()), ("서귀포시", "안덕면"));
        assert_eq!(p.village.as_deref(), Some("사계리"));
        let p = parse_address("제주 제주시 조천읍 1234-5번지").unwrap();
        assert_eq!(p.village, None, "a lot number is no village");
        assert_eq!(parse_address(""), None);
        assert_eq!(parse_address("서울 강남구 역삼동 1"), None);
        assert_eq!(parse_address("제주 제주시 1234"), None);
    }
}
