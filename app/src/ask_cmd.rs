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
            eprint!("  {} …", stage_label(stage, lang));
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
        TurnEvent::Pick { index, pick } => {
            if open_line.swap(false, Ordering::SeqCst) {
                eprintln!();
            }
            if streamed.fetch_add(1, Ordering::SeqCst) == 0 {
                println!(
                    "{}",
                    if lang == Lang::Ko {
                        "이런 곳은 어떠세요?"
                    } else {
                        "Here are my picks:"
                    }
                );
            }
            if let Ok(text) = pipeline.pick_text(index, pick) {
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
            if let Some(notice) = answer.text.lines().last().filter(|l| l.starts_with('(')) {
                println!("\n{notice}");
            }
        }
        _ => println!("{}", answer.text),
    }
    Ok(answer)
}

/// What the user sees for a stage while it runs.
fn stage_label(stage: &str, lang: Lang) -> &'static str {
    let ko = lang == Lang::Ko;
    match stage {
        "route" if ko => "조건 분석",
        "route" => "understanding the question",
        "text2cypher" if ko => "후보 검색",
        "text2cypher" => "querying the graph",
        "review_search" if ko => "리뷰 분석",
        "review_search" => "searching reviews",
        "backfill" if ko => "비슷한 가게 보충",
        "backfill" => "finding similar places",
        "select" if ko => "선택",
        "select" => "choosing",
        _ if ko => "답변 작성",
        _ => "writing the answer",
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
                .as_deref()
                .map(|f| format!("  [fallback: {f}]"))
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
                s.stage, s.ms, s.detail, llm, fallback
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
