//! `jeju ask`.

use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::Result;
use jeju_pipeline::intent::Lang;
use jeju_pipeline::session::Session;
use jeju_pipeline::{Answer, AnswerBody, Pipeline, TurnEvent};

use crate::cli::{AskArgs, ChatArgs};

pub async fn ask(args: &AskArgs) -> Result<()> {
    let pipeline = crate::pipeline_setup::build(!args.no_llm).await?;
    let mut session = Session::default();
    if args.json {
        let answer = pipeline.ask_in(&mut session, &args.question).await?;
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(());
    }
    let answer = ask_streaming(&pipeline, &mut session, &args.question).await?;
    if args.trace {
        print_trace(&answer)?;
    }
    Ok(())
}

/// Answers one turn, showing progress per stage on stderr and each pick on stdout as soon
/// as it is known (with the LLM, while the model is still writing the others).
async fn ask_streaming(
    pipeline: &Pipeline,
    session: &mut Session,
    question: &str,
) -> Result<Answer> {
    let streamed = AtomicUsize::new(0);
    // Whether a progress line is open on stderr (a streamed pick closes it first).
    let open_line = AtomicBool::new(false);
    let lang = Lang::detect(question);
    let observer = |event: TurnEvent<'_>| match event {
        TurnEvent::StageStarted(stage) => {
            eprint!("  {} …", stage.label(language_of(lang)));
            open_line.store(true, Ordering::SeqCst);
            let _ = std::io::stderr().flush();
        }
        TurnEvent::StageFinished(s) => {
            let mark = if s.fallback.is_some() {
                " (fallback)"
            } else {
                ""
            };
            if open_line.swap(false, Ordering::SeqCst) {
                eprintln!(" {:.1} s{mark}", s.ms / 1000.0);
            } else {
                eprintln!("  … {:.1} s{mark}", s.ms / 1000.0);
            }
        }
        TurnEvent::Preliminary { picks } => {
            if open_line.swap(false, Ordering::SeqCst) {
                eprintln!();
            }
            if let Ok(text) = pipeline.prompts().preliminary(picks, lang) {
                println!("{text}");
            }
            let _ = std::io::stdout().flush();
        }
        TurnEvent::Pick { index, pick } => {
            if open_line.swap(false, Ordering::SeqCst) {
                eprintln!();
            }
            if streamed.fetch_add(1, Ordering::SeqCst) == 0 {
                if let Ok(header) = pipeline.prompts().picks_header(lang) {
                    println!("{header}");
                }
            }
            if let Ok(text) = pipeline.prompts().pick(index, pick, lang) {
                println!("\n{text}");
            }
            let _ = std::io::stdout().flush();
        }
    };
    let answer = pipeline.ask_observed(session, question, &observer).await?;
    let picks_shown = streamed.load(Ordering::SeqCst);
    match &answer.body {
        // The picks are on screen; only a notice (if any) is left to show.
        AnswerBody::Recommend { picks } if picks_shown == picks.len() && !picks.is_empty() => {
            if let Some(notice) = &answer.notice {
                println!("\n{notice}");
            }
        }
        _ => println!("{}", answer.text),
    }
    Ok(answer)
}

/// The page's language of a question's language (stage labels are shared with the page).
fn language_of(lang: Lang) -> jeju_api::Language {
    match lang {
        Lang::Ko => jeju_api::Language::Ko,
        Lang::En => jeju_api::Language::En,
    }
}

pub async fn chat(args: &ChatArgs) -> Result<()> {
    let pipeline = crate::pipeline_setup::build(!args.no_llm).await?;
    let mut session = Session::default();
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            break;
        }
        println!("> {}", line.trim());
        match ask_streaming(&pipeline, &mut session, &line).await {
            Ok(answer) => {
                println!();
                if args.trace {
                    print_trace(&answer)?;
                }
            }
            // A bad question is answered with its reason; the conversation goes on.
            Err(e) => println!("({e})\n"),
        }
    }
    Ok(())
}

fn print_trace(answer: &Answer) -> Result<()> {
    {
        println!("\n── trace ──");
        for s in &answer.trace.stages {
            let fallback = s
                .fallback
                .as_ref()
                .map(|f| format!("  [fallback {}: {f}]", f.reason.as_str()))
                .unwrap_or_default();
            let llm = s
                .llm
                .map(|u| {
                    format!(
                        "  [LLM: {} call(s), {} + {} tokens, {} → {} chars, {:.1} s]",
                        u.calls,
                        u.prompt_tokens,
                        u.completion_tokens,
                        u.prompt_chars,
                        u.response_chars,
                        u.ms / 1000.0
                    )
                })
                .unwrap_or_default();
            println!(
                "{:<14} {:>8.1} ms  {}{}{}",
                s.stage.as_str(),
                s.ms,
                s.detail,
                llm,
                fallback
            );
        }
        for q in &answer.trace.cypher {
            println!("cypher ({:?}): {}", q.source, q.query.cypher);
            println!("params: {}", serde_json::to_string(&q.query.params)?);
        }
        println!("candidates: {}", answer.trace.candidates.join(", "));
    }
    Ok(())
}
