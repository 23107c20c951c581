//! The chat page.
//!
//! Rendered on the server and hydrated in the browser from the same [`PageState`], so both
//! sides must build the same DOM: everything here depends only on the state and on signals
//! initialised from it. Browser-only work (streams, scrolling, the address bar) happens in
//! event handlers and effects, which never run on the server.
//!
//! All server text (names, reviews, questions) is rendered as text nodes or attribute values,
//! which Leptos escapes; nothing here uses `inner_html`.

use jeju_api::{
    AnswerKind, AskResponse, ErrorCode, Language, PickCard, SearchAnswer, TraceView,
    MAX_QUESTION_CHARS,
};
use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;

use crate::{
    format, i18n,
    i18n::strings,
    model::{validate, CardState, Live, LiveCard, Phase, PhaseKind, StepStatus, STEPS},
    stream, PageState,
};

/// One question on the page; `phase` changes as the answer streams in.
#[derive(Clone)]
pub struct Turn {
    pub id: usize,
    pub question: String,
    pub phase: RwSignal<Phase>,
}

/// The page's reactive state (all signals: `Copy`, shared by every handler).
#[derive(Clone, Copy)]
pub struct Chat {
    pub lang: RwSignal<Language>,
    pub session: RwSignal<String>,
    pub turns: RwSignal<Vec<Turn>>,
    /// A turn is streaming: the input is disabled until it ends.
    pub running: RwSignal<bool>,
    /// The text in the question box.
    pub draft: RwSignal<String>,
    /// A client-side validation message under the box.
    pub hint: RwSignal<Option<ErrorCode>>,
    pub llm_configured: bool,
}

impl Chat {
    fn new(state: &PageState) -> Chat {
        let turns = state
            .turns
            .iter()
            .enumerate()
            .map(|(id, turn)| Turn {
                id,
                question: turn.question.clone(),
                phase: RwSignal::new(Phase::from_turn(turn)),
            })
            .collect();
        Chat {
            lang: RwSignal::new(state.language),
            session: RwSignal::new(state.session_id.clone()),
            turns: RwSignal::new(turns),
            running: RwSignal::new(false),
            draft: RwSignal::new(String::new()),
            hint: RwSignal::new(None),
            llm_configured: state.llm_configured,
        }
    }

    /// Asks `text` (browser only): validates it like the server, adds the turn and opens its
    /// stream.
    pub fn ask(self, text: &str) {
        if self.running.get_untracked() {
            return;
        }
        let question = match validate(text) {
            Ok(q) => q.to_owned(),
            Err(code) => {
                self.hint.set(Some(code));
                return;
            }
        };
        self.hint.set(None);
        self.draft.set(String::new());
        let id = self
            .turns
            .with_untracked(|turns| turns.last().map_or(0, |t| t.id + 1));
        let phase = RwSignal::new(Phase::Running(Live::default()));
        self.turns.update(|turns| {
            turns.push(Turn {
                id,
                question: question.clone(),
                phase,
            })
        });
        self.running.set(true);
        scroll_to_end();
        stream::start(self, phase, &question);
    }

    /// Ends the running turn with `outcome` and gives the input back.
    pub fn finish(self, phase: RwSignal<Phase>, outcome: Phase) {
        phase.set(outcome);
        self.running.set(false);
        self.sync_address_bar();
        request_animation_frame(|| {
            reveal_last_turn();
            focus_new_answer();
        });
    }

    fn set_language(self, lang: Language) {
        self.lang.set(lang);
        let document = document();
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("lang", lang.code());
        }
        document.set_title(strings(lang).title);
        self.sync_address_bar();
    }

    /// Puts the session and language into the address bar, so a reload continues the session.
    fn sync_address_bar(self) {
        let url = page_url(&self.session.get_untracked(), self.lang.get_untracked());
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

/// `/?lang=ko&session_id=…`: the page of a session in a language (also the no-JS links).
pub fn page_url(session_id: &str, lang: Language) -> String {
    let mut url = format!("/?lang={}", lang.code());
    if !session_id.is_empty() {
        url.push_str("&session_id=");
        url.push_str(&format::url_encode(session_id));
    }
    url
}

/// Scrolls to the bottom of the page after the next render (browser only).
pub fn scroll_to_end() {
    request_animation_frame(|| {
        if let Some(root) = document().document_element() {
            window().scroll_to_with_x_and_y(0.0, f64::from(root.scroll_height()));
        }
    });
}

/// Scrolls the newest turn's top into view (its question, then the answer).
fn reveal_last_turn() {
    if let Ok(Some(turn)) = document().query_selector(".messages > .turn:last-child") {
        turn.scroll_into_view_with_bool(true);
    }
}

/// Moves the focus to the newest answer (or error), so that keyboard and screen-reader
/// users land on it; Tab then goes through its links to the question box.
fn focus_new_answer() {
    if let Some(answer) = document()
        .query_selector(".messages > .turn:last-child .message.assistant")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = answer.focus_with_options(&{
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            options
        });
    }
}

/// The chat page (the contents of `<body>`).
#[component]
pub fn App(state: PageState) -> impl IntoView {
    let chat = Chat::new(&state);
    // After hydration of a page that already has answers (the no-JS path), show the newest.
    Effect::new(move |_| {
        if chat.turns.with_untracked(|t| !t.is_empty()) {
            reveal_last_turn();
        }
    });
    view! {
        <div class="app">
            {header(chat)}
            <main class="chat" id="main">
                {intro(chat)}
                <div class="messages" role="log">
                    <For
                        each=move || chat.turns.get()
                        key=|turn| turn.id
                        children=move |turn| turn_view(chat, turn)
                    />
                </div>
            </main>
            <footer class="dock">
                {composer(chat)}
                <p class="fineprint">
                    <span class="footer-text">{move || strings(chat.lang.get()).footer}</span>
                    {(!chat.llm_configured)
                        .then(|| {
                            view! {
                                " "
                                <span class="mode-note">
                                    {move || strings(chat.lang.get()).no_llm}
                                </span>
                            }
                        })}
                </p>
            </footer>
        </div>
    }
}

fn header(chat: Chat) -> AnyView {
    let s = move || strings(chat.lang.get());
    let other = move || i18n::other(chat.lang.get());
    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">
                    "🍊"
                </span>
                <div class="brand-text">
                    <h1>{move || s().title}</h1>
                    <p class="tagline">{move || s().tagline}</p>
                </div>
            </div>
            <nav class="actions">
                <a class="new-chat" href=move || page_url("", chat.lang.get())>
                    {move || s().new_chat}
                </a>
                <a
                    id="lang-toggle"
                    class="lang-toggle"
                    href=move || page_url(&chat.session.get(), other())
                    hreflang=move || other().code()
                    lang=move || other().code()
                    title=move || s().other_language_hint
                    on:click=move |ev: ev::MouseEvent| {
                        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
                            return;
                        }
                        ev.prevent_default();
                        chat.set_language(i18n::other(chat.lang.get_untracked()));
                    }
                >
                    {move || s().other_language}
                </a>
            </nav>
        </header>
    }
    .into_any()
}

/// The empty state: a short introduction and starter questions (each a tiny GET form, so
/// they work without JavaScript too).
fn intro(chat: Chat) -> AnyView {
    let s = move || strings(chat.lang.get());
    view! {
        <Show when=move || chat.turns.with(Vec::is_empty)>
            <section class="intro">
                <h2>{move || s().intro_heading}</h2>
                <p>{move || s().intro_body}</p>
                <h3 class="starters-label">{move || s().starters_label}</h3>
                <div class="starters">
                    {i18n::starters(chat.lang.get_untracked())
                        .into_iter()
                        .map(|question| {
                            let lang = if question.is_ascii() { "en" } else { "ko" };
                            view! {
                                <form
                                    class="starter-form"
                                    method="get"
                                    action="/"
                                    on:submit=move |ev: ev::SubmitEvent| {
                                        ev.prevent_default();
                                        chat.ask(question);
                                    }
                                >
                                    <input type="hidden" name="q" value=question />
                                    <input
                                        type="hidden"
                                        name="lang"
                                        value=move || chat.lang.get().code()
                                    />
                                    <input
                                        type="hidden"
                                        name="session_id"
                                        value=move || chat.session.get()
                                    />
                                    <button type="submit" class="starter" lang=lang>
                                        {question}
                                    </button>
                                </form>
                            }
                        })
                        .collect_view()}
                </div>
            </section>
        </Show>
    }
    .into_any()
}

fn turn_view(chat: Chat, turn: Turn) -> AnyView {
    let phase = turn.phase;
    let kind = Memo::new(move |_| phase.with(Phase::kind));
    let assistant = move || match kind.get() {
        PhaseKind::Running => view! {
            <div class="message assistant running" aria-busy="true">
                <p class="working">{move || strings(chat.lang.get()).working}</p>
                {progress(chat, phase)}
                <div class="cards">
                    <For
                        each=move || {
                            phase
                                .with(|p| match p {
                                    Phase::Running(live) => live.picks.clone(),
                                    _ => Vec::new(),
                                })
                        }
                        key=|card| (card.pick.rank, card.pick.id.clone(), card.state.class())
                        children=move |card| live_card(card, chat.lang.get_untracked())
                    />
                </div>
            </div>
        }
        .into_any(),
        PhaseKind::Done => {
            let answer_kind = phase.with_untracked(|p| match p {
                Phase::Done(r) => match r.kind {
                    AnswerKind::Search => "search",
                    AnswerKind::Declined => "declined",
                    AnswerKind::Recommend => "recommend",
                },
                _ => "recommend",
            });
            // An answer follows the page's language when the server told it in both (it
            // came with its other-language rendition); else it is shown whole in its own
            // language, labels included.
            let shown_lang = move || {
                let lang = chat.lang.get();
                phase.with(|p| match p {
                    Phase::Done(answer) => answer.shown_language(lang),
                    _ => lang,
                })
            };
            view! {
                <div
                    class="message assistant done"
                    data-kind=answer_kind
                    lang=move || shown_lang().code()
                    tabindex="-1"
                >
                    {move || {
                        let lang = chat.lang.get();
                        phase
                            .with(|p| match p {
                                Phase::Done(answer) => {
                                    let shown = answer.in_language(lang);
                                    answer_view(&shown, shown.language).into_any()
                                }
                                _ => ().into_any(),
                            })
                    }}
                </div>
            }
            .into_any()
        }
        PhaseKind::Failed => {
            let code = phase.with_untracked(|p| match p {
                Phase::Failed(f) => f.code(),
                _ => "",
            });
            view! {
                <div class="message assistant error" role="alert" data-code=code tabindex="-1">
                    {move || {
                        let lang = chat.lang.get();
                        phase
                            .with(|p| match p {
                                Phase::Failed(f) => {
                                    view! {
                                        <p class="error-title">{f.heading(lang)}</p>
                                        <p class="error-text">{f.message(lang)}</p>
                                    }
                                        .into_any()
                                }
                                _ => ().into_any(),
                            })
                    }}
                </div>
            }
            .into_any()
        }
    };
    // The newest turn is `#latest` (the server redirects a no-JS question to `/?…#latest`).
    let id = turn.id;
    let anchor = move || {
        if chat
            .turns
            .with(|t| t.last().map(|last| last.id) == Some(id))
        {
            "latest".to_owned()
        } else {
            format!("turn-{id}")
        }
    };
    view! {
        <section class="turn" id=anchor data-turn=id.to_string()>
            <div class="message user">
                <p class="bubble">{turn.question}</p>
            </div>
            {assistant}
        </section>
    }
    .into_any()
}

/// The progress row of a running turn: four steps, pending → active → done (+ ms).
fn progress(chat: Chat, phase: RwSignal<Phase>) -> AnyView {
    let steps = (0..STEPS)
        .map(|i| {
            let step = move || {
                phase.with(|p| match p {
                    Phase::Running(live) => live.steps[i].clone(),
                    _ => Default::default(),
                })
            };
            view! {
                <li
                    class=move || format!("step {}", step().status.class())
                    aria-current=move || (step().status == StepStatus::Active).then_some("step")
                >
                    <span class="dot" aria-hidden="true"></span>
                    <span class="label">{move || crate::model::STEP_STAGES[i].label(chat.lang.get())}</span>
                    <span class="ms">
                        {move || {
                            let step = step();
                            (step.status == StepStatus::Done).then(|| format::duration(step.ms))
                        }}
                    </span>
                    {move || {
                        step()
                            .failed
                            .then(|| {
                                view! {
                                    <span
                                        class="fallback-mark"
                                        title=strings(chat.lang.get()).step_fallback
                                    >
                                        "↺"
                                    </span>
                                }
                            })
                    }}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="progress">{steps}</ol> }.into_any()
}

/// A finished answer.
fn answer_view(answer: &AskResponse, lang: Language) -> AnyView {
    let s = strings(lang);
    let notice = answer
        .notice
        .clone()
        .map(|notice| view! { <div class="notice" role="status">{notice}</div> });
    let request = (answer.request.trim() != answer.question.trim()).then(|| {
        view! {
            <p class="request">
                <span class="request-label">{s.request_label}</span>
                " "
                {answer.request.clone()}
            </p>
        }
    });
    // How the question was read: words left out, misspellings read as known words, picks
    // from a widened search. (A declined answer's text says it all.)
    let notes = (answer.kind != AnswerKind::Declined).then(|| {
        let unmatched = (!answer.unmatched.is_empty()).then(|| {
            view! {
                <p class="note unmatched" role="note">
                    {i18n::unmatched(lang, &answer.unmatched)}
                </p>
            }
        });
        let read_as = (!answer.read_as.is_empty()).then(|| {
            view! {
                <p class="note read-as" role="note">
                    {i18n::read_as(lang, &answer.read_as)}
                </p>
            }
        });
        let relaxed = answer
            .picks
            .iter()
            .any(|p| !p.unmet.is_empty())
            .then(|| view! { <p class="note relaxed" role="note">{i18n::relaxed(lang)}</p> });
        let warming_up = answer.warming_up.as_ref().map(|w| {
            view! {
                <p class="note warming-up" role="note">
                    {i18n::warming_up(lang, w.review_index_percent)}
                </p>
            }
        });
        view! {
            {unmatched}
            {read_as}
            {relaxed}
            {warming_up}
        }
    });
    let body = match answer.kind {
        AnswerKind::Recommend if answer.picks.is_empty() => view! {
            <p class="empty-result">{s.no_picks}</p>
            <p class="answer-text">{answer.text.clone()}</p>
        }
        .into_any(),
        AnswerKind::Recommend => {
            let cards = answer
                .picks
                .iter()
                .map(|pick| pick_card(pick.clone(), lang))
                .collect_view();
            let map = crate::map::answer_map(&answer.picks, &answer.map, s.map_title);
            view! {
                <div class="cards">{cards}</div>
                {map}
            }
            .into_any()
        }
        AnswerKind::Search => match &answer.search {
            Some(search) => search_view(search, lang).into_any(),
            None => view! { <p class="answer-text">{answer.text.clone()}</p> }.into_any(),
        },
        // Declined (another place, another topic, nonsense): the text says why and what to
        // ask instead.
        AnswerKind::Declined => view! {
            <p class="declined answer-text" role="status">{answer.text.clone()}</p>
        }
        .into_any(),
    };
    view! {
        <h2 class="visually-hidden">{s.answer_heading}</h2>
        {notice}
        {request}
        {notes}
        {body}
        {trace_view(&answer.trace, answer.kind, lang)}
    }
    .into_any()
}

/// A card while its turn runs: a preliminary one (the rules' pick while the AI model judges)
/// says so, and a pick that replaced another fades in at the same place.
fn live_card(card: LiveCard, lang: Language) -> AnyView {
    let s = strings(lang);
    let badge = match card.state {
        CardState::Preliminary => Some(s.preliminary_badge),
        CardState::Confirmed => Some(s.confirmed_badge),
        CardState::Replaced => Some(s.replaced_badge),
        CardState::Moved => Some(s.moved_badge),
        CardState::Picked => None,
    };
    view! {
        <div class=format!("live-card {}", card.state.class()) data-state=card.state.class()>
            {badge.map(|b| view! { <p class="card-state">{b}</p> })}
            {pick_card(card.pick, lang)}
        </div>
    }
    .into_any()
}

/// One recommended restaurant.
fn pick_card(pick: PickCard, lang: Language) -> AnyView {
    let s = strings(lang);
    let class = if pick.backfilled {
        "pick-card backfilled"
    } else {
        "pick-card"
    };
    // The labels in the answer's language (an answer from an older server has none).
    let kind = if pick.store_type_label.is_empty() {
        pick.store_type.clone()
    } else {
        pick.store_type_label.clone()
    };
    let place = pick
        .place_label
        .clone()
        .or_else(|| pick.region.clone())
        .or_else(|| pick.city.clone());
    let meta = std::iter::once(kind)
        .chain(place)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let map_link = |href: &str, label: &'static str, class: &'static str| {
        format::safe_href(href).map(|href| {
            view! {
                <a class=class href=href.to_owned() target="_blank" rel="noopener noreferrer">
                    {label}
                    <span class="visually-hidden">" — " {pick.name.clone()}</span>
                </a>
            }
        })
    };
    let kakao = map_link(&pick.map.kakao, s.kakao_map, "map-link kakao");
    let naver = map_link(&pick.map.naver, s.naver_map, "map-link naver");
    let google = map_link(&pick.map.google, s.google_map, "map-link google");
    let price = (pick.price_range.is_some() || pick.price_per_person.is_some()).then(|| {
        view! {
            <div class="stat">
                <dt>{s.price}</dt>
                <dd>
                    {pick
                        .price_range
                        .map(|r| view! { <span class="price">{i18n::price_range(lang, r)}</span> })}
                    {pick
                        .price_per_person
                        .map(|won| {
                            view! { <span class="per-person">{i18n::per_person(lang, won)}</span> }
                        })}
                </dd>
            </div>
        }
    });
    let rating = view! {
        <div class="stat">
            <dt>{s.rating}</dt>
            <dd>
                {pick
                    .rating
                    .map(|r| {
                        view! {
                            <span class="stars">
                                <span aria-hidden="true">"★ "</span>
                                {format::rating(r)}
                            </span>
                        }
                    })}
                <span class="review-count">{i18n::review_count(lang, pick.review_count)}</span>
            </dd>
        </div>
    };
    let menu = (!pick.menu.is_empty()).then(|| {
        view! {
            <div class="menu">
                <h4>{s.menu}</h4>
                <ul>
                    {pick
                        .menu
                        .iter()
                        .map(|item| view! { <li>{item.clone()}</li> })
                        .collect_view()}
                </ul>
            </div>
        }
    });
    let quotes = (!pick.quotes.is_empty()).then(|| {
        view! {
            <div class="quotes">
                <h4 class="visually-hidden">{s.reviews_heading}</h4>
                {pick
                    .quotes
                    .iter()
                    .take(2)
                    .map(|quote| view! { <blockquote>{quote.clone()}</blockquote> })
                    .collect_view()}
            </div>
        }
    });
    let chips = |items: &[String], class: &'static str, label: &'static str| {
        (!items.is_empty()).then(|| {
            view! {
                <ul class=class aria-label=label>
                    {items
                        .iter()
                        .map(|item| view! { <li class="chip">{item.clone()}</li> })
                        .collect_view()}
                </ul>
            }
        })
    };
    let visitors = chips(&pick.visitor_facts, "chips visitors", s.visitors);
    // Facts the reason already states (the rule-based reason is made of them) are not repeated.
    let unstated: Vec<String> = pick
        .facts
        .iter()
        .filter(|f| !pick.reason.contains(f.as_str()))
        .cloned()
        .collect();
    let facts = chips(&unstated, "chips facts", s.why);
    // What the place does not meet of the request: said plainly, above everything else.
    let unmet = (!pick.unmet.is_empty()).then(|| {
        view! {
            <p class="unmet" role="note">
                <span aria-hidden="true">"⚠ "</span>
                <strong>{s.unmet}</strong>
                " "
                {pick.unmet.join(", ")}
            </p>
        }
    });
    let badge = pick.backfilled.then(|| {
        view! {
            <span class="badge similar" title=s.similar_place_hint>
                {s.similar_place}
            </span>
        }
    });
    view! {
        <article
            class=class
            data-rank=pick.rank.to_string()
            data-id=pick.id.clone()
            data-price-per-person=pick.price_per_person.map(|p| p.to_string())
        >
            <header class="card-head">
                <span class="rank" aria-hidden="true">
                    {pick.rank}
                </span>
                <div class="card-title">
                    <h3 class="name">{pick.name.clone()}</h3>
                    <p class="meta">{meta}</p>
                </div>
                {badge}
            </header>
            {unmet}
            <p class="address">{pick.address.clone()}</p>
            <p class="links">{kakao} {naver} {google}</p>
            <dl class="stats">{price} {rating}</dl>
            {menu}
            {quotes}
            {visitors}
            {facts}
            <p class="reason">
                <strong>{s.why}</strong>
                " "
                {pick.reason.clone()}
            </p>
        </article>
    }
    .into_any()
}

/// The figure and rows of a data question: a sentence that names what was counted or
/// ranked, then the table.
fn search_view(search: &SearchAnswer, lang: Language) -> AnyView {
    let s = strings(lang);
    let measure = if search.measure.is_empty() {
        s.col_value.to_owned()
    } else {
        search.measure.clone()
    };
    let table = (!search.rows.is_empty()).then(|| {
        let rows = search
            .rows
            .iter()
            .map(|row| {
                view! {
                    <tr data-id=row.id.clone()>
                        <td class="num">{row.rank}</td>
                        <td>{row.name.clone()}</td>
                        <td class="num">{row.display.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="search-table">
                    <caption class="visually-hidden">{search.sentence.clone()}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="num">
                                {s.col_rank}
                            </th>
                            <th scope="col">{s.col_name}</th>
                            <th scope="col" class="num">
                                {measure}
                            </th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let empty = (search.rows.is_empty() && search.count.is_none())
        .then(|| view! { <p class="empty-result">{s.no_rows}</p> });
    // A count's figure stands out; the sentence says what was counted.
    let figure = search
        .count
        .map(|_| view! { <p class="headline">{search.headline.clone()}</p> });
    let sentence = if search.sentence.is_empty() {
        search.headline.clone()
    } else {
        search.sentence.clone()
    };
    view! {
        <div class="search-answer">
            {figure}
            <p class="sentence">{sentence}</p>
            {table}
            {empty}
        </div>
    }
    .into_any()
}

/// "How did you pick these?" (or, under a data answer, "How was this computed?"): what each
/// stage did in the page's words, the Cypher that ran, the candidates by name and score.
/// Fallbacks are marked only where a configured part failed.
fn trace_view(trace: &TraceView, kind: AnswerKind, lang: Language) -> AnyView {
    let s = strings(lang);
    let none = || view! { <p class="none">{s.trace_none}</p> };
    let llm_cell = |calls: u32, prompt: u32, completion: u32| {
        if calls == 0 {
            "–".to_owned()
        } else {
            format!("{calls} / {}", prompt + completion)
        }
    };
    let stages = trace
        .stages
        .iter()
        .map(|stage| {
            let row_class = if stage.failed { "fell-back" } else { "" };
            let mark = stage.failed.then(|| {
                view! {
                    <span class="fallback-mark" title=s.step_fallback>
                        "↺"
                    </span>
                }
            });
            view! {
                <tr class=row_class data-stage=stage.stage.as_str()>
                    <th scope="row">{stage.stage.label(lang)} {mark}</th>
                    <td class="summary">{stage.summary.clone()}</td>
                    <td class="num">{format::duration(stage.ms)}</td>
                    <td class="num">
                        {llm_cell(stage.llm_calls, stage.prompt_tokens, stage.completion_tokens)}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let (calls, prompt, completion) = trace.stages.iter().fold((0, 0, 0), |(c, p, o), st| {
        (
            c + st.llm_calls,
            p + st.prompt_tokens,
            o + st.completion_tokens,
        )
    });
    let queries = trace
        .cypher
        .iter()
        .map(|query| {
            let source = if query.source == "llm" {
                s.trace_source_llm
            } else {
                s.trace_source_composed
            };
            let params = match &query.params {
                serde_json::Value::Null => None,
                serde_json::Value::Object(map) if map.is_empty() => None,
                value => serde_json::to_string_pretty(value).ok(),
            };
            view! {
                <figure class="cypher">
                    <figcaption>
                        <span class=format!("source {}", query.source)>{source}</span>
                    </figcaption>
                    <pre lang="en">
                        <code>{query.query.trim().to_owned()}</code>
                    </pre>
                    {params
                        .map(|params| {
                            view! {
                                <p class="params-label">{s.trace_params}</p>
                                <pre class="params" lang="en">
                                    <code>{params}</code>
                                </pre>
                            }
                        })}
                </figure>
            }
        })
        .collect_view();
    let candidates = (kind == AnswerKind::Recommend).then(|| {
        let list = if trace.candidates.is_empty() {
            none().into_any()
        } else {
            view! {
                <ol class="candidates">
                    {trace
                        .candidates
                        .iter()
                        .map(|c| {
                            let similar = c
                                .backfilled
                                .then(|| view! { <span class="badge similar">{s.trace_similar}</span> });
                            view! {
                                <li data-id=c.id.clone()>
                                    <span class="candidate-name">{c.name.clone()}</span>
                                    " "
                                    {similar}
                                    <span class="score">
                                        {format!("{} {:.2}", s.trace_score, c.score)}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            }
            .into_any()
        };
        view! {
            <h4>{s.trace_candidates} " (" {trace.candidates.len()} ")"</h4>
            {list}
        }
    });
    let title = if kind == AnswerKind::Search {
        s.trace_summary_search
    } else {
        s.trace_summary
    };
    view! {
        <details class="trace">
            <summary>{title}</summary>
            <div class="trace-body">
                <h4>{s.trace_stages}</h4>
                <div class="table-scroll">
                    <table class="trace-stages">
                        <thead>
                            <tr>
                                <th scope="col">{s.trace_stage}</th>
                                <th scope="col">{s.trace_what}</th>
                                <th scope="col" class="num">
                                    {s.trace_ms}
                                </th>
                                <th scope="col" class="num">
                                    {s.trace_llm}
                                </th>
                            </tr>
                        </thead>
                        <tbody>{stages}</tbody>
                        <tfoot>
                            <tr>
                                <th scope="row">{s.trace_total}</th>
                                <td></td>
                                <td class="num">{format::duration(trace.total_ms)}</td>
                                <td class="num">{llm_cell(calls, prompt, completion)}</td>
                            </tr>
                        </tfoot>
                    </table>
                </div>
                <h4>{s.trace_queries}</h4>
                {if trace.cypher.is_empty() { none().into_any() } else { queries.into_any() }}
                {candidates}
            </div>
        </details>
    }
    .into_any()
}

/// The question box: a GET form (works without JavaScript) that streams when hydrated.
fn composer(chat: Chat) -> AnyView {
    let s = move || strings(chat.lang.get());
    let count = move || chat.draft.with(|d| format::char_count(d));
    let over = move || count() > MAX_QUESTION_CHARS;
    let counter_class = move || {
        let used = count();
        if used > MAX_QUESTION_CHARS {
            "counter over"
        } else if used * 10 >= MAX_QUESTION_CHARS * 9 {
            "counter warn"
        } else {
            "counter"
        }
    };
    view! {
        <form
            class="composer"
            method="get"
            action="/"
            on:submit=move |ev: ev::SubmitEvent| {
                ev.prevent_default();
                chat.ask(&chat.draft.get_untracked());
            }
        >
            <input type="hidden" name="lang" value=move || chat.lang.get().code() />
            <input type="hidden" name="session_id" value=move || chat.session.get() />
            <label for="question" class="visually-hidden">
                {move || s().input_label}
            </label>
            <textarea
                id="question"
                name="q"
                rows="2"
                autocomplete="off"
                enterkeyhint="send"
                aria-describedby="counter input-hint"
                placeholder=move || s().placeholder
                disabled=move || chat.running.get()
                prop:value=move || chat.draft.get()
                on:input:target=move |ev| {
                    chat.draft.set(ev.target().value());
                    if chat.hint.get_untracked().is_some() {
                        chat.hint.set(None);
                    }
                }
                on:keydown=move |ev: ev::KeyboardEvent| {
                    let composing = ev.is_composing() || ev.key_code() == 229;
                    if ev.key() == "Enter" && !ev.shift_key() && !composing {
                        ev.prevent_default();
                        chat.ask(&chat.draft.get_untracked());
                    }
                }
            ></textarea>
            <div class="composer-bar">
                <span id="counter" class=counter_class>
                    {move || i18n::char_counter(chat.lang.get(), count(), MAX_QUESTION_CHARS)}
                </span>
                <span class="enter-hint">{move || s().enter_hint}</span>
                <button id="send" type="submit" disabled=move || chat.running.get() || over()>
                    {move || if chat.running.get() { s().sending } else { s().send }}
                </button>
            </div>
            <p id="input-hint" class="input-hint" role="alert">
                {move || chat.hint.get().map(|code| code.message(chat.lang.get()))}
            </p>
        </form>
    }
    .into_any()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use jeju_api::{MapLinks, StageEvent, StageStatus};

    fn stage(name: &str, status: StageStatus, ms: Option<f64>, fallback: bool) -> StageEvent {
        StageEvent {
            stage: jeju_api::Stage::parse(name).expect("a stage name"),
            status,
            ms,
            fallback: fallback.then(|| "llm_failed".to_owned()),
            failed: fallback,
        }
    }

    #[test]
    fn a_running_turn_shows_the_progress_row_then_streamed_picks() {
        let owner = Owner::new();
        owner.with(|| {
            let chat = Chat::new(&PageState::default());
            let mut live = Live::default();
            live.on_stage(&stage("route", StageStatus::Started, None, false));
            live.on_stage(&stage("route", StageStatus::Finished, Some(3.2), true));
            live.on_stage(&stage("text2cypher", StageStatus::Started, None, false));
            let phase = RwSignal::new(Phase::Running(live.clone()));
            let turn = Turn {
                id: 7,
                question: "애월 흑돼지".into(),
                phase,
            };
            chat.turns.update(|t| t.push(turn.clone()));
            let html = turn_view(chat, turn.clone()).to_html();
            assert!(
                html.contains(r#"<section id="latest" data-turn="7" class="turn">"#),
                "{html}"
            );
            assert!(html.contains(r#"class="message assistant running""#));
            assert!(html.contains(r#"<ol class="progress">"#));
            assert_eq!(html.matches(r#"class="step "#).count(), 4);
            assert!(html.contains(r#"class="step done""#));
            assert!(html.contains(r#"aria-current="step" class="step active""#));
            assert_eq!(html.matches(r#"class="step pending""#).count(), 2);
            assert!(html.contains("3 ms"));
            assert!(html.contains(r#"class="fallback-mark""#));
            for label in ["조건 분석", "후보 검색", "리뷰 검색", "선택"] {
                assert!(html.contains(label), "{label}");
            }
            assert!(!html.contains("pick-card"));

            live.on_pick(PickCard {
                name: "한림 국수".into(),
                address: "제주시 한림읍".into(),
                map: MapLinks {
                    kakao: "https://map.kakao.com/?q=x".into(),
                    naver: "https://map.naver.com/p/search/x".into(),
                    google: "https://www.google.com/maps/search/?api=1&query=x".into(),
                },
                reason: "가까워요".into(),
                ..crate::model::test_card(1, "S1")
            });
            phase.set(Phase::Running(live));
            let html = turn_view(chat, turn).to_html();
            assert!(
                html.contains(r#"data-rank="1" data-id="S1" class="pick-card""#),
                "{html}"
            );
            assert!(html.contains(r#"data-state="picked""#), "{html}");
            assert!(html.contains("live-card picked"), "{html}");
            assert_eq!(html.matches(r#"class="step done""#).count(), 3);
        });
        owner.cleanup();
    }
}
