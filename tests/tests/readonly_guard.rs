//! Generated Cypher can never change the graph: hostile queries are refused by the guard, and
//! writes that bypass the guard are rolled back by the server.

use std::time::Duration;

use jeju_pipeline::guard::run_guarded;
use jeju_tests::{checksum, loaded_small_graph, LoadedGraph};

const HOSTILE: &[&str] = &[
    "MATCH (n) DETACH DELETE n",
    "MATCH (n) DETACH DELETE n RETURN count(n)",
    "CREATE (x:Store {id:'evil'}) RETURN x",
    "MERGE (x:Store {id:'evil'}) RETURN x",
    "MATCH (s:Store) SET s.name = 'pwned' RETURN s",
    "MATCH (s:Store) REMOVE s.name RETURN s",
    "MATCH (s:Store) WITH s LIMIT 1 DELETE s RETURN 1",
    "DROP CONSTRAINT store_id",
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "MATCH (s) FOREACH (x IN [1] | CREATE (:Evil)) RETURN s",
    "CALL { MATCH (n) DETACH DELETE n } RETURN 1",
    "CALL apoc.cypher.doIt('MATCH (n) DETACH DELETE n', {}) YIELD value RETURN value",
    "RETURN apoc.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {})",
    "CALL dbms.security.createUser('x','y',false)",
    "MATCH (s:Store) RETURN s; MATCH (n) DETACH DELETE n",
    "MATCH (n) DЕLETE n RETURN n",
    "ＭＡＴＣＨ (n) ＤＥＬＥＴＥ n",
    "SHOW DATABASES",
    "CREATE DATABASE evil",
    "INSERT (:Store {id: 'evil'})",
    "match (n) detach delete n return 1",
    "MATCH (s:Store) RETURN s LIMIT 5 DETACH DELETE s",
    "MATCH (s:Store) CALL { WITH s SET s.x = 1 } IN TRANSACTIONS RETURN s",
    "MATCH (n) WHERE n.name = 'x' OR 1=1 /* */ SET n.name = 'y' RETURN n",
    "MATCH (r:Review) WITH r LIMIT 10 DETACH DELETE r RETURN 1",
    "GRANT ALL ON DATABASE * TO PUBLIC",
    "USE system CREATE USER evil SET PASSWORD 'x'",
    "MATCH (a:Store),(b:Store) WITH a,b LIMIT 1 CREATE (a)-[:EVIL]->(b) RETURN 1",
    "MATCH (n) RETURN n /* unterminated",
    "CALL db.clearQueryCaches()",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_cypher_never_changes_the_graph() {
    let LoadedGraph { graph, .. } = loaded_small_graph(9).await;
    let before = checksum(&graph.client).await;
    let limit = Duration::from_secs(20);

    assert!(HOSTILE.len() >= 30);
    for q in HOSTILE {
        let result = run_guarded(&graph.client, q, limit).await;
        assert!(result.is_err(), "guard let through: {q}");
    }
    assert_eq!(checksum(&graph.client).await, before);

    // Defence in depth: writes sent straight to the rolled-back path do not persist either.
    let bypass = [
        "CREATE (x:Store {id: 'evil'}) RETURN x.id AS id",
        "MATCH (s:Store) SET s.name = 'pwned' RETURN count(s) AS n",
        "MATCH (r:Review) WITH r LIMIT 50 DETACH DELETE r RETURN count(*) AS n",
    ];
    for q in bypass {
        let _ = graph
            .client
            .rows_rolled_back(q, neo4rs::query(q), limit)
            .await;
        assert_eq!(checksum(&graph.client).await, before, "persisted: {q}");
    }

    // A legitimate generated query runs, capped.
    let (checked, rows) = run_guarded(
        &graph.client,
        "MATCH (s:Store) WHERE s.region = '애월읍' RETURN s.id AS id ORDER BY id",
        limit,
    )
    .await
    .unwrap();
    assert_eq!(checked.limit, 500);
    assert!(!rows.is_empty());
    assert_eq!(checksum(&graph.client).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_few_shot_example_runs_on_the_real_schema() {
    let LoadedGraph { graph, .. } = loaded_small_graph(4).await;
    let mut returned_rows = 0;
    for e in jeju_pipeline::prompts::examples() {
        let (_, rows) = run_guarded(&graph.client, &e.cypher, Duration::from_secs(20))
            .await
            .unwrap_or_else(|err| panic!("{}\n{err}", e.cypher));
        returned_rows += usize::from(!rows.is_empty());
    }
    // Most examples must find something on the small data, or they teach a wrong schema.
    assert!(
        returned_rows * 10 >= jeju_pipeline::prompts::examples().len() * 8,
        "{returned_rows}"
    );
}
