//! Lot-number addresses as written in the contest file, e.g.
//! `제주 제주시 용담이동 2682-9번지 통큰돼지`.

/// City and region (읍/면/동) of an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressParts {
    /// 제주시 or 서귀포시.
    pub city: String,
    /// The 읍, 면 or 법정동 token, e.g. 애월읍, 용담이동.
    pub region: String,
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
    is_region.then(|| AddressParts {
        city: tokens[city_at].to_owned(),
        region: (*region).to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_contest_addresses() {
        let p = parse_address("제주 제주시 용담이동 2682-9번지 통큰돼지").unwrap();
        assert_eq!((p.city.as_str(), p.region.as_str()), ("제주시", "용담이동"));
        let p = parse_address("제주특별자치도 서귀포시 안덕면 사계리 123").unwrap();
        assert_eq!((p.city.as_str(), p.region.as_str()), ("서귀포시", "안덕면"));
        assert_eq!(parse_address(""), None);
        assert_eq!(parse_address("서울 강남구 역삼동 1"), None);
        assert_eq!(parse_address("제주 제주시 1234"), None);
    }
}
