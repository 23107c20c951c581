//! Facts about a store that support a pick: typed values taken from its card, rendered in the
//! answer's language by `prompts/fact.tera` (the model reads them in its card lines, users see
//! them as reasons). Code picks facts by kind ([`Fact::kind`]), never by position.

use jeju_data::vocab::{AgeBand, Companion, TimeOfDay};
use serde::Serialize;

use crate::intent::{Constraints, Lang};
use crate::lexicon;
use crate::recommend::Card;

/// One fact about a store, for this request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fact {
    /// Added by the FastRP backfill: few stores pass the filters.
    Backfilled,
    /// An asked constraint the store does not meet (found by a relaxed request).
    Unmet(crate::relax::Relaxation),
    /// The menu item that serves the asked dish.
    Dish {
        item: String,
        price: u32,
    },
    /// The first menu item (no dish was asked).
    Menu {
        item: String,
        price: u32,
    },
    /// Distance from the asked attraction or earlier pick.
    Distance {
        from: String,
        metres: i64,
    },
    /// Reviews that were visits with the asked companion.
    CompanionReviews {
        companion: Companion,
        visits: i64,
        reviews: i64,
    },
    /// The typical spend per person (a price limit was asked).
    PricePerPerson {
        won: u32,
    },
    /// The asked age band's share of customers.
    AgeShare {
        band: AgeBand,
        share: f64,
    },
    LocalShare {
        share: f64,
    },
    BusiestTime {
        time: TimeOfDay,
        share: f64,
    },
    Rating {
        rating: f64,
    },
}

/// The kind of a [`Fact`], to select facts by what they say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    Backfilled,
    Unmet,
    Dish,
    Menu,
    Distance,
    CompanionReviews,
    PricePerPerson,
    AgeShare,
    LocalShare,
    BusiestTime,
    Rating,
}

impl Fact {
    pub fn kind(&self) -> FactKind {
        match self {
            Fact::Backfilled => FactKind::Backfilled,
            Fact::Unmet(_) => FactKind::Unmet,
            Fact::Dish { .. } => FactKind::Dish,
            Fact::Menu { .. } => FactKind::Menu,
            Fact::Distance { .. } => FactKind::Distance,
            Fact::CompanionReviews { .. } => FactKind::CompanionReviews,
            Fact::PricePerPerson { .. } => FactKind::PricePerPerson,
            Fact::AgeShare { .. } => FactKind::AgeShare,
            Fact::LocalShare { .. } => FactKind::LocalShare,
            Fact::BusiestTime { .. } => FactKind::BusiestTime,
            Fact::Rating { .. } => FactKind::Rating,
        }
    }

    /// The values `prompts/fact.tera` renders: the fact's kind, its numbers already
    /// formatted (won with separators, whole percentages, one decimal for a rating) and the
    /// vocabulary's labels in `lang`.
    pub(crate) fn template_context(&self, lang: Lang) -> tera::Context {
        let ko = lang == Lang::Ko;
        let mut ctx = tera::Context::new();
        ctx.insert("lang", if ko { "ko" } else { "en" });
        ctx.insert(
            "kind",
            &serde_json::to_value(self.kind()).unwrap_or_default(),
        );
        match self {
            Fact::Backfilled => {}
            Fact::Unmet(r) => unmet_context(r, lang, &mut ctx),
            Fact::Dish { item, price } | Fact::Menu { item, price } => {
                // In English the Korean menu name keeps its place, glossed where the dish
                // vocabulary knows it; the select prompt's short form stays bare.
                ctx.insert("item", &crate::english::menu_item_in(item, lang));
                ctx.insert("item_bare", &without_brackets(item));
                ctx.insert("price", &crate::recommend::won(*price));
            }
            Fact::Distance { from, metres } => {
                ctx.insert("from", &crate::english::place_in(from, lang));
                ctx.insert("metres", metres);
                ctx.insert("km", &format!("{:.1}", *metres as f64 / 1000.0));
            }
            Fact::CompanionReviews {
                companion,
                visits,
                reviews,
            } => {
                ctx.insert("label", lexicon::companion_label(*companion, ko));
                ctx.insert("visits", visits);
                ctx.insert("reviews", reviews);
            }
            Fact::PricePerPerson { won } => ctx.insert("price", &crate::recommend::won(*won)),
            Fact::AgeShare { band, share } => {
                ctx.insert("label", lexicon::age_label(*band, ko));
                ctx.insert("share", &crate::recommend::pct(*share));
            }
            Fact::LocalShare { share } => ctx.insert("share", &crate::recommend::pct(*share)),
            Fact::BusiestTime { time, share } => {
                ctx.insert("label", lexicon::time_label(*time, ko));
                ctx.insert("share", &crate::recommend::pct(*share));
            }
            Fact::Rating { rating } => ctx.insert("rating", &format!("{rating:.1}")),
        }
        ctx
    }
}

/// The values of an unmet constraint: `what` (place, time, price) and its numbers.
fn unmet_context(r: &crate::relax::Relaxation, lang: Lang, ctx: &mut tera::Context) {
    let ko = lang == Lang::Ko;
    use crate::relax::Relaxation;
    match r {
        Relaxation::Place {
            asked,
            region,
            distance_m,
        } => {
            ctx.insert("what", "place");
            ctx.insert("asked", &crate::english::place_in(asked, lang));
            ctx.insert(
                "region",
                &region
                    .as_deref()
                    .map(|r| crate::english::place_in(r, lang))
                    .unwrap_or_default(),
            );
            ctx.insert(
                "km",
                &distance_m.map(|d| format!("{:.1}", d as f64 / 1000.0)),
            );
        }
        Relaxation::Time { asked } => {
            ctx.insert("what", "time");
            ctx.insert("label", lexicon::time_label(*asked, ko));
            ctx.insert(
                "min_share",
                &crate::recommend::pct(crate::compose::MIN_TIME_SHARE),
            );
        }
        Relaxation::Dish { asked, served } => {
            ctx.insert("what", "dish");
            ctx.insert("asked", asked);
            ctx.insert("served", &crate::english::menu_item_in(served, lang));
        }
        Relaxation::Price { asked_max, price } => {
            ctx.insert("what", "price");
            ctx.insert("max", &crate::recommend::won(*asked_max));
            ctx.insert(
                "price",
                &price
                    .and_then(|p| u32::try_from(p).ok())
                    .map(crate::recommend::won),
            );
        }
    }
}

/// A menu item's name without its bracketed parts ("흑돼지 오겹살 (200g)" → "흑돼지
/// 오겹살"): the select prompt's compact form, where every token costs time.
fn without_brackets(item: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for ch in item.chars() {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    let bare = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if bare.is_empty() {
        item.to_owned()
    } else {
        bare
    }
}

/// A fact with its text in the answer's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactLine {
    pub fact: Fact,
    pub text: String,
}

/// The facts of a card that matter for these constraints, in the order they are told.
pub fn facts(card: &Card, c: &Constraints) -> Vec<Fact> {
    let mut out = Vec::new();
    if card.backfilled {
        out.push(Fact::Backfilled);
    }
    out.extend(card.relaxed.iter().cloned().map(Fact::Unmet));
    if let Some(d) = c.dish.as_deref() {
        let terms = lexicon::menu_terms(d);
        if let Some((name, price)) = card
            .menu
            .iter()
            .find(|(n, _)| terms.iter().any(|t| n.contains(t)))
        {
            out.push(Fact::Dish {
                item: name.clone(),
                price: *price,
            });
        }
    } else if let Some((name, price)) = card.menu.first() {
        out.push(Fact::Menu {
            item: name.clone(),
            price: *price,
        });
    }
    if let Some(d) = card.distance_m {
        let from = c
            .near_attraction
            .clone()
            .or_else(|| c.near_point.as_ref().map(|p| p.label.clone()))
            .unwrap_or_default();
        out.push(Fact::Distance { from, metres: d });
    }
    if let Some(companion) = c.companion {
        if card.companion_reviews > 0 {
            out.push(Fact::CompanionReviews {
                companion,
                visits: card.companion_reviews,
                reviews: card.review_count,
            });
        }
    }
    if c.price_max_per_person.is_some() {
        if let Some(p) = card.price_per_person {
            out.push(Fact::PricePerPerson {
                won: u32::try_from(p).unwrap_or(0),
            });
        }
    }
    if let Some(band) = c.age_band {
        if let Some((_, v)) = card.ages.iter().find(|(a, _)| *a == band) {
            out.push(Fact::AgeShare { band, share: *v });
        }
    }
    if let Some(l) = card.local_ratio {
        out.push(Fact::LocalShare { share: l });
    }
    if let Some((time, share)) = card.busiest_time {
        out.push(Fact::BusiestTime { time, share });
    }
    if let Some(r) = card.rating {
        out.push(Fact::Rating { rating: r });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::without_brackets;

    #[test]
    fn bracketed_parts_leave_the_compact_menu_name() {
        assert_eq!(without_brackets("흑돼지 오겹살 (200g)"), "흑돼지 오겹살");
        assert_eq!(without_brackets("[점심] 갈치조림 (2인)"), "갈치조림");
        assert_eq!(without_brackets("(2인)"), "(2인)");
    }
}
