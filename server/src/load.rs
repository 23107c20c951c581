//! A bounded load generator for `POST /api/ask` (`jeju bench --load` and `tests/load.rs`).
//!
//! Each of [`LoadPlan::sessions`] sessions is one task that asks one question after another
//! until the deadline, each as soon as the previous one is answered (a closed loop: the
//! offered load adapts to the server, and what queues is visible as latency). A session is
//! one conversation: from its first answer on it sends the `session_id` the server returned,
//! so that the follow-ups in the question list ("더 저렴한 곳은?", "cheaper ones?") revise the
//! session's previous recommendation, as a user's would. Sessions start at different points
//! of the list. Requests in flight at the deadline are waited for and counted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jeju_api::{AnswerKind, AskRequest, AskResponse};
use jeju_pipeline::stats::percentile;

/// Follow-ups (ko and en) put after recommendations in [`mixed_questions`]: each revises
/// the recommendation before it when sent in the same session.
pub const FOLLOW_UPS: [&str; 6] = [
    "더 저렴한 곳은?",
    "2번 근처 카페도",
    "더 저렴한 곳은?",
    "cheaper ones?",
    "any cafes near number 2?",
    "cheaper ones?",
];

/// The question in [`jeju_pipeline::BENCH_QUESTIONS`] after which each of [`FOLLOW_UPS`]
/// comes (all recommendations).
const FOLLOW_UP_AFTER: [usize; 6] = [0, 3, 9, 10, 14, 16];

/// The 20 bench questions (ko and en; recommendations and data questions) with the
/// [`FOLLOW_UPS`] each after a recommendation: 26 questions.
pub fn mixed_questions() -> Vec<String> {
    let mut out = Vec::new();
    for (i, q) in jeju_pipeline::BENCH_QUESTIONS.iter().enumerate() {
        out.push((*q).to_owned());
        for (after, follow_up) in FOLLOW_UP_AFTER.iter().zip(FOLLOW_UPS) {
            if *after == i {
                out.push(follow_up.to_owned());
            }
        }
    }
    out
}

/// What to send.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    /// The server, e.g. `http://127.0.0.1:8080` (no trailing path).
    pub base_url: String,
    /// Concurrent sessions (each one request at a time).
    pub sessions: usize,
    /// No session starts a request after this much time.
    pub duration: Duration,
    /// Asked in order, each session from its own offset, round and round.
    pub questions: Vec<String>,
    /// The client's limit on one request: longer than the server's queue wait plus its turn
    /// deadline, so that the server's own `busy`/`timeout` answers show up rather than a
    /// client timeout.
    pub request_timeout: Duration,
}

impl LoadPlan {
    /// [`mixed_questions`] from `sessions` sessions for `duration`, with a request timeout
    /// that outlasts the limits of [`crate::ServerConfig::for_pipeline`] for `has_llm`.
    pub fn mixed(
        base_url: impl Into<String>,
        sessions: usize,
        duration: Duration,
        has_llm: bool,
    ) -> LoadPlan {
        let config = crate::ServerConfig::for_pipeline(has_llm);
        LoadPlan {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            sessions,
            duration,
            questions: mixed_questions(),
            request_timeout: config.queue_timeout + config.turn_timeout + Duration::from_secs(10),
        }
    }
}

/// Latencies of the answered requests.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Latency {
    pub min: Duration,
    pub p50: Duration,
    pub p95: Duration,
    pub max: Duration,
}

impl Latency {
    fn of(mut samples: Vec<Duration>) -> Latency {
        if samples.is_empty() {
            return Latency::default();
        }
        samples.sort();
        let at = |p: f64| percentile(&samples, p).unwrap_or_default();
        Latency {
            min: samples[0],
            p50: at(0.5),
            p95: at(0.95),
            max: samples[samples.len() - 1],
        }
    }
}

/// What a load run measured.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub base_url: String,
    pub sessions: usize,
    /// The planned duration.
    pub duration: Duration,
    /// From the start until the last session's last answer.
    pub elapsed: Duration,
    /// Requests sent (answered, refused or failed).
    pub requests: usize,
    /// 2xx responses whose body is an answer.
    pub answers: usize,
    /// Responses by HTTP status.
    pub statuses: BTreeMap<u16, usize>,
    /// The `code` of the error bodies of non-2xx responses (`busy`, `timeout`, …; `?` when
    /// the body has none).
    pub error_codes: BTreeMap<String, usize>,
    /// Requests without a usable response: `timeout`, `connect`, `body`, `other`, and
    /// `invalid answer` for a 2xx whose body is not an answer.
    pub transport_errors: BTreeMap<String, usize>,
    /// Answers by kind.
    pub recommend: usize,
    pub search: usize,
    /// Questions declined (outside Jeju, another topic, nonsense).
    pub declined: usize,
    /// Answers that revised the session's earlier request (a follow-up understood as one).
    pub follow_ups: usize,
    /// Answers per session, in session order.
    pub answers_per_session: Vec<usize>,
    /// Distinct session ids the server returned.
    pub session_ids: usize,
    pub latency: Latency,
}

impl LoadReport {
    /// Non-2xx responses.
    pub fn error_responses(&self) -> usize {
        self.statuses
            .iter()
            .filter(|(s, _)| !(200..300).contains(*s))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn transport_error_count(&self) -> usize {
        self.transport_errors.values().sum()
    }

    /// Requests that did not end in an answer.
    pub fn errors(&self) -> usize {
        self.error_responses() + self.transport_error_count()
    }

    /// Answers per second of elapsed time.
    pub fn throughput(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.answers as f64 / s
        } else {
            0.0
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn counts<K: fmt::Display>(map: &BTreeMap<K, usize>) -> String {
    if map.is_empty() {
        return "none".to_owned();
    }
    map.iter()
        .map(|(k, n)| format!("{k} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per = &self.answers_per_session;
        writeln!(
            f,
            "load: {} sessions for {} s against {}",
            self.sessions,
            self.duration.as_secs_f64(),
            self.base_url
        )?;
        let row = |f: &mut fmt::Formatter<'_>, what: &str, value: String| {
            writeln!(f, "  {what:<20} {value}")
        };
        row(
            f,
            "requests",
            format!(
                "{} in {:.1} s ({} answered, {} errors)",
                self.requests,
                self.elapsed.as_secs_f64(),
                self.answers,
                self.errors()
            ),
        )?;
        row(
            f,
            "throughput",
            // More digits below one answer a second (the LLM mode).
            match self.throughput() {
                t if t < 1.0 => format!("{t:.3} answers/s ({:.1} answers/min)", t * 60.0),
                t => format!("{t:.1} answers/s"),
            },
        )?;
        row(
            f,
            "latency (answers)",
            format!(
                "p50 {}, p95 {}, max {} (min {})",
                ms(self.latency.p50),
                ms(self.latency.p95),
                ms(self.latency.max),
                ms(self.latency.min)
            ),
        )?;
        row(
            f,
            "answers by kind",
            format!(
                "recommend {}, search {}, declined {} ({} follow-ups revised an earlier request)",
                self.recommend, self.search, self.declined, self.follow_ups
            ),
        )?;
        row(
            f,
            "per session",
            format!(
                "{}–{} answers, {} session ids",
                per.iter().min().copied().unwrap_or(0),
                per.iter().max().copied().unwrap_or(0),
                self.session_ids
            ),
        )?;
        row(f, "HTTP status", counts(&self.statuses))?;
        row(f, "error codes", counts(&self.error_codes))?;
        row(f, "transport errors", counts(&self.transport_errors))
    }
}

/// What became of one request.
enum Outcome {
    Answer(Box<AskResponse>),
    Refused {
        status: u16,
        code: String,
    },
    /// A 2xx whose body is not an answer.
    BadAnswer {
        status: u16,
    },
    Transport(&'static str),
}

/// What one session saw.
#[derive(Default)]
struct SessionLog {
    requests: usize,
    answers: usize,
    statuses: BTreeMap<u16, usize>,
    error_codes: BTreeMap<String, usize>,
    transport_errors: BTreeMap<String, usize>,
    recommend: usize,
    search: usize,
    declined: usize,
    follow_ups: usize,
    session_ids: BTreeSet<String>,
    latencies: Vec<Duration>,
}

fn transport_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "other"
    }
}

async fn ask_once(client: &reqwest::Client, url: &str, req: &AskRequest) -> Outcome {
    let response = match client.post(url).json(req).send().await {
        Ok(r) => r,
        Err(e) => return Outcome::Transport(transport_kind(&e)),
    };
    let status = response.status().as_u16();
    let body = match response.bytes().await {
        Ok(b) => b,
        Err(e) => return Outcome::Transport(transport_kind(&e)),
    };
    if (200..300).contains(&status) {
        match serde_json::from_slice::<AskResponse>(&body) {
            Ok(answer) => Outcome::Answer(Box::new(answer)),
            Err(_) => Outcome::BadAnswer { status },
        }
    } else {
        let code = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("code")?.as_str().map(str::to_owned))
            .unwrap_or_else(|| "?".to_owned());
        Outcome::Refused { status, code }
    }
}

async fn session(
    client: reqwest::Client,
    url: Arc<str>,
    questions: Arc<[String]>,
    offset: usize,
    deadline: Instant,
) -> SessionLog {
    let mut log = SessionLog::default();
    let mut session_id: Option<String> = None;
    let mut next = offset;
    while Instant::now() < deadline && !questions.is_empty() {
        let question = questions[next % questions.len()].clone();
        next += 1;
        let req = AskRequest {
            question,
            session_id: session_id.clone(),
            language: None,
        };
        let started = Instant::now();
        let outcome = ask_once(&client, &url, &req).await;
        let took = started.elapsed();
        log.requests += 1;
        match outcome {
            Outcome::Answer(answer) => {
                *log.statuses.entry(200).or_default() += 1;
                log.answers += 1;
                log.latencies.push(took);
                match answer.kind {
                    AnswerKind::Recommend => log.recommend += 1,
                    AnswerKind::Search => log.search += 1,
                    AnswerKind::Declined => log.declined += 1,
                }
                if answer.request != answer.question {
                    log.follow_ups += 1;
                }
                log.session_ids.insert(answer.session_id.clone());
                session_id = Some(answer.session_id);
            }
            Outcome::Refused { status, code } => {
                *log.statuses.entry(status).or_default() += 1;
                *log.error_codes.entry(code).or_default() += 1;
            }
            Outcome::BadAnswer { status } => {
                *log.statuses.entry(status).or_default() += 1;
                *log.transport_errors
                    .entry("invalid answer".to_owned())
                    .or_default() += 1;
            }
            Outcome::Transport(kind) => {
                *log.transport_errors.entry(kind.to_owned()).or_default() += 1;
            }
        }
    }
    log
}

/// Runs the plan and reports what happened. Fails only when the HTTP client cannot be built.
pub async fn run(plan: &LoadPlan) -> Result<LoadReport, reqwest::Error> {
    let client = reqwest::Client::builder()
        .timeout(plan.request_timeout)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let url: Arc<str> = format!("{}/api/ask", plan.base_url.trim_end_matches('/')).into();
    let questions: Arc<[String]> = plan.questions.clone().into();
    let started = Instant::now();
    let deadline = started + plan.duration;
    let tasks: Vec<_> = (0..plan.sessions)
        .map(|i| {
            tokio::spawn(session(
                client.clone(),
                url.clone(),
                questions.clone(),
                i,
                deadline,
            ))
        })
        .collect();
    let mut report = LoadReport {
        base_url: plan.base_url.clone(),
        sessions: plan.sessions,
        duration: plan.duration,
        ..LoadReport::default()
    };
    let mut latencies = Vec::new();
    let mut ids = BTreeSet::new();
    for task in tasks {
        // A session task never panics on a request's failure; a panic (a bug here) counts
        // as a session without answers.
        let log = task.await.unwrap_or_default();
        report.requests += log.requests;
        report.answers += log.answers;
        for (s, n) in log.statuses {
            *report.statuses.entry(s).or_default() += n;
        }
        for (c, n) in log.error_codes {
            *report.error_codes.entry(c).or_default() += n;
        }
        for (k, n) in log.transport_errors {
            *report.transport_errors.entry(k).or_default() += n;
        }
        report.recommend += log.recommend;
        report.search += log.search;
        report.declined += log.declined;
        report.follow_ups += log.follow_ups;
        report.answers_per_session.push(log.answers);
        latencies.extend(log.latencies);
        ids.extend(log.session_ids);
    }
    report.elapsed = started.elapsed();
    report.session_ids = ids.len();
    report.latency = Latency::of(latencies);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mixed_list_has_every_bench_question_and_each_follow_up_after_a_recommendation() {
        let q = mixed_questions();
        assert_eq!(
            q.len(),
            jeju_pipeline::BENCH_QUESTIONS.len() + FOLLOW_UPS.len()
        );
        for b in jeju_pipeline::BENCH_QUESTIONS {
            assert!(q.iter().any(|x| x == b), "{b}");
        }
        for (i, x) in q.iter().enumerate() {
            if FOLLOW_UPS.contains(&x.as_str()) {
                let before = &q[i - 1];
                assert!(!FOLLOW_UPS.contains(&before.as_str()), "{before} → {x}");
                // In the question's language.
                assert_eq!(
                    x.is_ascii(),
                    before.is_ascii(),
                    "{before} → {x}: languages differ"
                );
            }
        }
    }

    #[test]
    fn percentiles_are_nearest_rank_of_the_sorted_samples() {
        let l = Latency::of((1..=100).rev().map(Duration::from_millis).collect());
        assert_eq!(l.min, Duration::from_millis(1));
        // Index round(99 × 0.5) = 50 (0-based), i.e. the 51st smallest.
        assert_eq!(l.p50, Duration::from_millis(51));
        assert_eq!(l.p95, Duration::from_millis(95));
        assert_eq!(l.max, Duration::from_millis(100));
        assert_eq!(Latency::of(Vec::new()), Latency::default());
    }

    #[test]
    fn errors_count_non_2xx_and_transport_failures() {
        let mut r = LoadReport::default();
        r.statuses.insert(200, 10);
        r.statuses.insert(429, 2);
        r.statuses.insert(504, 1);
        r.transport_errors.insert("timeout".into(), 4);
        assert_eq!(r.error_responses(), 3);
        assert_eq!(r.errors(), 7);
        let shown = r.to_string();
        assert!(shown.contains("429 ×2, 504 ×1"), "{shown}");
        assert!(shown.contains("timeout ×4"), "{shown}");
    }
}
