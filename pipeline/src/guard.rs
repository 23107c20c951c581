//! The read-only guard for Cypher that an LLM wrote.
//!
//! Four layers, so that no single mistake can write to the graph:
//! 1. [`check`]: a lexer-level check (strings and comments understood) that rejects every
//!    write or admin clause, procedure calls outside an allow-list, subqueries, multiple
//!    statements, non-ASCII outside string literals (look-alike letters), and adds or caps
//!    the final `LIMIT`.
//! 2. The server parses and plans the query (`EXPLAIN`) before it runs.
//! 3. It runs inside an explicit transaction that is always rolled back
//!    ([`jeju_graph::GraphClient::rows_generated`]), so even a write that slipped through
//!    would not persist.
//! 4. It runs as the server's read-only user where one is configured
//!    ([`jeju_graph::GraphConfig::reader`]; the local ArcadeDB has one): a write committed
//!    by any route fails at the server with a permission error.

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 4_000;
/// Most rows a generated query may return.
pub const MAX_LIMIT: u64 = 500;

/// Procedures a read query may call.
pub const ALLOWED_PROCEDURES: &[&str] = &[
    "db.labels",
    "db.relationshipTypes",
    "db.propertyKeys",
    "db.schema.visualization",
    "db.schema.nodeTypeProperties",
    "db.schema.relTypeProperties",
];

/// Clauses and keywords that write, change schema or administer the server.
const FORBIDDEN: &[&str] = &[
    "CREATE",
    "MERGE",
    "SET",
    "DELETE",
    "DETACH",
    "NODETACH",
    "REMOVE",
    "DROP",
    "LOAD",
    "FOREACH",
    "INSERT",
    "ALTER",
    "GRANT",
    "DENY",
    "REVOKE",
    "RENAME",
    "START",
    "STOP",
    "TERMINATE",
    "USE",
    "SHOW",
    "PERIODIC",
    "COMMIT",
    "TRANSACTIONS",
    "ENABLE",
    "DISABLE",
    "IMPORT",
    "COPY",
];

/// Namespaces whose functions may have side effects or reach the server.
const FORBIDDEN_NAMESPACES: &[&str] = &["APOC", "DBMS", "GDS", "DB", "SYS", "JAVA", "FILE"];

/// Why a query was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("the query is empty")]
    Empty,
    #[error("the query is too long ({0} characters)")]
    TooLong(usize),
    #[error("non-ASCII character {0:?} outside a string literal")]
    NonAscii(char),
    #[error("unterminated string, identifier or comment")]
    Unterminated,
    #[error("more than one statement")]
    MultipleStatements,
    #[error("{0} is not allowed in a read-only query")]
    Forbidden(String),
    #[error("procedure {0} is not on the allow-list")]
    Procedure(String),
    #[error("CALL subqueries are not allowed")]
    Subquery,
    #[error("a read query must RETURN something")]
    NoReturn,
}

/// Checks, plans (`EXPLAIN`) and runs generated Cypher in a rolled-back transaction, as the
/// read-only user when there is one.
pub async fn run_guarded(
    graph: &dyn crate::ports::GraphPort,
    cypher: &str,
    limit: std::time::Duration,
) -> Result<(CheckedCypher, Vec<jeju_graph::Record>), crate::PipelineError> {
    let checked = check(cypher)?;
    let explain = format!("EXPLAIN {}", checked.cypher);
    graph.generated(&explain, limit).await?;
    let rows = graph.generated(&checked.cypher, limit).await?;
    Ok((checked, rows))
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Number(String),
    Str,
    Sym(char),
}

/// Token with its byte span in the source.
#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn lex(src: &str) -> Result<Vec<Token>, GuardError> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let end_of = |i: usize| chars.get(i).map(|c| c.0).unwrap_or(src.len());
    while i < chars.len() {
        let (pos, c) = chars[i];
        let next = chars.get(i + 1).map(|c| c.1);
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            // A line comment ends at '\n' or '\r' alone: ArcadeDB's and Neo4j's lexers end it
            // at either, so text after a lone '\r' is code to the server and must be to us.
            while i < chars.len() && !matches!(chars[i].1, '\n' | '\r') {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            loop {
                if i + 1 >= chars.len() {
                    return Err(GuardError::Unterminated);
                }
                if chars[i].1 == '*' && chars[i + 1].1 == '/' {
                    i += 2;
                    break;
                }
                i += 1;
            }
        } else if c == '\'' || c == '"' {
            i += 1;
            loop {
                let Some(&(_, ch)) = chars.get(i) else {
                    return Err(GuardError::Unterminated);
                };
                if ch == '\\' {
                    i += 2;
                    continue;
                }
                i += 1;
                if ch == c {
                    break;
                }
            }
            out.push(Token {
                tok: Tok::Str,
                start: pos,
                end: end_of(i),
            });
        } else if c == '`' {
            // A quoted identifier: its content is a name, never a keyword, but must be ASCII.
            i += 1;
            let mut name = String::new();
            loop {
                let Some(&(_, ch)) = chars.get(i) else {
                    return Err(GuardError::Unterminated);
                };
                i += 1;
                if ch == '`' {
                    break;
                }
                if !ch.is_ascii() {
                    return Err(GuardError::NonAscii(ch));
                }
                name.push(ch);
            }
            out.push(Token {
                tok: Tok::Word(format!("`{name}`")),
                start: pos,
                end: end_of(i),
            });
        } else if !c.is_ascii() {
            return Err(GuardError::NonAscii(c));
        } else if c.is_ascii_alphabetic() || c == '_' || c == '$' {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].1.is_ascii_alphanumeric() || chars[j].1 == '_') {
                j += 1;
            }
            let word: String = chars[i..j].iter().map(|c| c.1).collect();
            out.push(Token {
                tok: Tok::Word(word),
                start: pos,
                end: end_of(j),
            });
            i = j;
        } else if c.is_ascii_digit() {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].1.is_ascii_digit() || chars[j].1 == '.') {
                j += 1;
            }
            let num: String = chars[i..j].iter().map(|c| c.1).collect();
            out.push(Token {
                tok: Tok::Number(num),
                start: pos,
                end: end_of(j),
            });
            i = j;
        } else {
            out.push(Token {
                tok: Tok::Sym(c),
                start: pos,
                end: end_of(i + 1),
            });
            i += 1;
        }
    }
    Ok(out)
}

/// The contents of the string literals of a query, in order (escapes resolved), for the
/// literal check of generated Cypher.
pub fn string_literals(cypher: &str) -> Result<Vec<String>, GuardError> {
    Ok(lex(cypher)?
        .into_iter()
        .filter(|t| t.tok == Tok::Str)
        .map(|t| {
            let quoted = &cypher[t.start..t.end];
            let inner = &quoted[1..quoted.len().saturating_sub(1).max(1)];
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
            out
        })
        .collect())
}

fn upper(t: &Token) -> Option<String> {
    match &t.tok {
        Tok::Word(w) if !w.starts_with('`') => Some(w.to_ascii_uppercase()),
        _ => None,
    }
}

/// The first namespace part of a name, upper-cased, backticks or not: `` `apoc` `` and
/// `` `apoc.cypher.run` `` name the namespace `APOC` as `apoc` does (Neo4j resolves escaped
/// namespace parts).
fn namespace_of(t: &Token) -> Option<String> {
    match &t.tok {
        Tok::Word(w) => {
            let name = w.trim_matches('`');
            let first = name.split('.').next().unwrap_or(name).trim();
            Some(first.to_ascii_uppercase())
        }
        _ => None,
    }
}

/// A query that passed the guard, with its final LIMIT.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedCypher {
    pub cypher: String,
    pub limit: u64,
}

/// Checks a generated query and returns it with a final `LIMIT` of at most [`MAX_LIMIT`].
pub fn check(cypher: &str) -> Result<CheckedCypher, GuardError> {
    let trimmed = cypher.trim();
    if trimmed.is_empty() {
        return Err(GuardError::Empty);
    }
    let n = trimmed.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(GuardError::TooLong(n));
    }
    let mut tokens = lex(trimmed)?;
    // One trailing semicolon is harmless; any other is a second statement.
    if matches!(tokens.last().map(|t| &t.tok), Some(Tok::Sym(';'))) {
        tokens.pop();
    }
    if tokens.iter().any(|t| t.tok == Tok::Sym(';')) {
        return Err(GuardError::MultipleStatements);
    }
    let body_end = tokens.last().map(|t| t.end).unwrap_or(0);
    let body = &trimmed[..body_end];

    for (i, t) in tokens.iter().enumerate() {
        let after_dot = i > 0 && tokens[i - 1].tok == Tok::Sym('.');
        // After ':' a word is a label or relationship type (our `USE` edges), never a clause.
        let after_colon = i > 0 && tokens[i - 1].tok == Tok::Sym(':');
        let before_dot = matches!(tokens.get(i + 1).map(|t| &t.tok), Some(Tok::Sym('.')));
        let Some(word) = upper(t) else {
            // A quoted name is never a keyword, but `` `apoc`.x() `` is still APOC.
            if let (Tok::Word(w), false, false) = (&t.tok, after_dot, after_colon) {
                let dotted = w.contains('.');
                let namespace = namespace_of(t).unwrap_or_default();
                if (before_dot || dotted) && FORBIDDEN_NAMESPACES.contains(&namespace.as_str()) {
                    let prev_call = i > 0 && upper(&tokens[i - 1]).as_deref() == Some("CALL");
                    if !prev_call {
                        return Err(GuardError::Forbidden(format!(
                            "{}.*",
                            namespace.to_ascii_lowercase()
                        )));
                    }
                }
            }
            continue;
        };
        let is_param = word.starts_with('$');
        if after_dot || after_colon || is_param {
            continue; // a property name such as s.set, or a parameter
        }
        if word == "CALL" {
            match tokens.get(i + 1).map(|t| &t.tok) {
                Some(Tok::Sym('{')) | Some(Tok::Sym('(')) => return Err(GuardError::Subquery),
                _ => {}
            }
            let name = dotted_name(&tokens[i + 1..]);
            if !ALLOWED_PROCEDURES
                .iter()
                .any(|p| p.eq_ignore_ascii_case(&name))
            {
                return Err(GuardError::Procedure(name));
            }
            continue;
        }
        if FORBIDDEN.contains(&word.as_str()) {
            return Err(GuardError::Forbidden(word));
        }
        if before_dot && FORBIDDEN_NAMESPACES.contains(&word.as_str()) {
            let prev_call = i > 0 && upper(&tokens[i - 1]).as_deref() == Some("CALL");
            if !prev_call {
                return Err(GuardError::Forbidden(format!(
                    "{}.*",
                    word.to_ascii_lowercase()
                )));
            }
        }
    }

    let last_return = tokens
        .iter()
        .rposition(|t| upper(t).as_deref() == Some("RETURN"))
        .ok_or(GuardError::NoReturn)?;
    let limit_at = tokens[last_return..]
        .iter()
        .rposition(|t| upper(t).as_deref() == Some("LIMIT"))
        .map(|p| p + last_return);
    let (cypher, limit) = match limit_at {
        None => (format!("{body} LIMIT {MAX_LIMIT}"), MAX_LIMIT),
        Some(p) => {
            let value = tokens.get(p + 1);
            let asked = match value.map(|t| &t.tok) {
                Some(Tok::Number(n)) => n.parse::<u64>().ok(),
                _ => None,
            };
            let limit = asked.map(|a| a.min(MAX_LIMIT)).unwrap_or(MAX_LIMIT);
            let replace_end = value.map(|t| t.end).unwrap_or(tokens[p].end);
            let rest = &body[replace_end..];
            if rest.trim().is_empty() {
                (
                    format!("{} LIMIT {limit}", &body[..tokens[p].start].trim_end()),
                    limit,
                )
            } else {
                // Something follows the LIMIT expression: keep it only if it is plain.
                return Err(GuardError::Forbidden(format!(
                    "text after LIMIT: {}",
                    rest.trim()
                )));
            }
        }
    };
    Ok(CheckedCypher { cypher, limit })
}

/// `db.schema.visualization` from tokens `db . schema . visualization (`.
fn dotted_name(tokens: &[Token]) -> String {
    let mut name = String::new();
    let mut expect_word = true;
    for t in tokens {
        match (&t.tok, expect_word) {
            (Tok::Word(w), true) => {
                name.push_str(w);
                expect_word = false;
            }
            (Tok::Sym('.'), false) => {
                name.push('.');
                expect_word = true;
            }
            _ => break,
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_are_listed_with_escapes_resolved() {
        let lits = string_literals(
            r#"MATCH (s:Store) WHERE s.region = '애월읍' AND s.name <> "it\'s" // 'comment'
               RETURN s.id AS id"#,
        )
        .unwrap();
        assert_eq!(lits, vec!["애월읍".to_owned(), "it's".to_owned()]);
        assert_eq!(
            string_literals("RETURN 'open"),
            Err(GuardError::Unterminated)
        );
    }

    #[test]
    fn read_queries_pass_and_get_a_limit() {
        let q = check(
            "MATCH (s:Store) WHERE s.region = '애월읍' RETURN s.id AS id ORDER BY s.rating DESC",
        )
        .unwrap();
        assert!(
            q.cypher.ends_with("ORDER BY s.rating DESC LIMIT 500"),
            "{}",
            q.cypher
        );
        let q = check("MATCH (s:Store) RETURN s.id LIMIT 10000;").unwrap();
        assert_eq!(q.limit, 500);
        assert!(q.cypher.ends_with("RETURN s.id LIMIT 500"), "{}", q.cypher);
        let q = check("MATCH (s:Store) RETURN s.id LIMIT 3").unwrap();
        assert_eq!(
            (q.limit, q.cypher.as_str()),
            (3, "MATCH (s:Store) RETURN s.id LIMIT 3")
        );
        // Keywords inside strings, comments and property names are not clauses.
        check("MATCH (r:Review) WHERE r.text CONTAINS 'CREATE DELETE' RETURN r.id").unwrap();
        check("MATCH (s:Store) // delete everything?\nRETURN s.set, s.offset LIMIT 1").unwrap();
        check("CALL db.labels() YIELD label RETURN label").unwrap();
        check("MATCH (s {type: \"커피\"}) RETURN count(s) AS n").unwrap();
        check("MATCH (s:Store)-[u:USE]->(m:Month) RETURN count(u) AS n").unwrap();
    }

    #[test]
    fn hostile_queries_are_refused() {
        let hostile = [
            "MATCH (n) DETACH DELETE n",
            "MATCH (n) DETACH DELETE n RETURN count(n)",
            "CREATE (x:Store {id:'evil'}) RETURN x",
            "MERGE (x:Store {id:'evil'}) RETURN x",
            "MATCH (s:Store) SET s.name = 'x' RETURN s",
            "MATCH (s:Store) REMOVE s.name RETURN s",
            "MATCH (s:Store) WITH s LIMIT 1 DELETE s RETURN 1",
            "DROP CONSTRAINT store_id",
            "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
            "MATCH (s) FOREACH (x IN [1] | CREATE (:E)) RETURN s",
            "CALL { MATCH (n) DETACH DELETE n } RETURN 1",
            "MATCH (s) CALL { WITH s DELETE s } RETURN 1",
            "CALL apoc.cypher.doIt('MATCH (n) DETACH DELETE n', {}) YIELD value RETURN value",
            "RETURN apoc.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {})",
            "CALL dbms.security.createUser('x','y',false)",
            "CALL dbms.killQueries(['1']) YIELD queryId RETURN queryId",
            "CALL db.clearQueryCaches()",
            "CALL gds.graph.drop('g') YIELD graphName RETURN graphName",
            "MATCH (s:Store) RETURN s; MATCH (n) DETACH DELETE n",
            "MATCH (s:Store) RETURN s /* ; */ ; CREATE (x)",
            "MATCH (s:Store) RETURN s LIMIT 1 UNION MATCH (n) DELETE n RETURN n",
            "ＭＡＴＣＨ (n) ＤＥＬＥＴＥ n",
            "MATCH (n) DЕLETE n RETURN n",
            "MATCH (n) RETURN n /* unterminated",
            "MATCH (n) WHERE n.name = 'unterminated RETURN n",
            "USE system SHOW USERS",
            "SHOW DATABASES",
            "CREATE DATABASE evil",
            "GRANT ALL ON DATABASE * TO PUBLIC",
            "MATCH (s:Store) CALL { WITH s SET s.x = 1 } IN TRANSACTIONS RETURN s",
            "INSERT (:Store {id: 'evil'})",
            "MATCH (s:Store) RETURN s LIMIT 5 DETACH DELETE s",
            "match (n) detach delete n return 1",
            "MATCH (n) Set n.a = 1 RETURN n",
            "MATCH (s:Store) RETURN s LIMIT $n SET s.a = 1",
            "",
            "   ;  ",
            // ArcadeDB and Neo4j end a line comment at a lone '\r': what follows is code.
            "MATCH (s:Store) // note\rSET s.name = 'x'\nRETURN s.id AS id",
            "MATCH (s:Store) // note\rDETACH DELETE s\nRETURN 1 AS id",
            // An escaped namespace is still the namespace.
            "RETURN `apoc`.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {}) AS id",
            "RETURN `APOC`.`cypher`.doIt('MATCH (n) DETACH DELETE n') AS id",
            "RETURN `apoc.cypher.runFirstColumnSingle`('CREATE (n) RETURN n', {}) AS id",
            "MATCH (s:Store) RETURN `dbms`.components() AS id",
        ];
        assert!(hostile.len() >= 30);
        for q in hostile {
            assert!(check(q).is_err(), "accepted: {q}");
        }
        let long = format!(
            "MATCH (s:Store) WHERE s.name = '{}' RETURN s.id",
            "가".repeat(5_000)
        );
        assert!(check(&long).is_err());
        assert_eq!(
            check("MATCH (n) RETURN 1 ; CREATE (x)"),
            Err(GuardError::MultipleStatements)
        );
        assert_eq!(
            check("MATCH (s:Store) // note\rSET s.name = 'x'\nRETURN s.id AS id"),
            Err(GuardError::Forbidden("SET".into()))
        );
        assert_eq!(
            check("RETURN `apoc`.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {}) AS id"),
            Err(GuardError::Forbidden("apoc.*".into()))
        );
    }

    #[test]
    fn comments_and_quoted_names_that_hide_nothing_still_pass() {
        // Windows line ends: the comment ends at '\r', the '\n' is whitespace.
        let q = check("MATCH (s:Store) // the stores\r\nRETURN s.id AS id").unwrap();
        assert_eq!(
            q.cypher,
            "MATCH (s:Store) // the stores\r\nRETURN s.id AS id LIMIT 500"
        );
        // Quoted names are names; only a namespace-like one before a dot is refused, quoted
        // or not (as `db.id` is).
        check("MATCH (`s`:`Store`) RETURN `s`.id AS id").unwrap();
        check("MATCH (s:`apoc`) RETURN s.`apoc` AS id").unwrap();
        assert!(check("MATCH (`db`:Store) RETURN `db`.id AS id").is_err());
        assert!(check("MATCH (db:Store) RETURN db.id AS id").is_err());
    }
}
