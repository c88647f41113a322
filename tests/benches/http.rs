//! Route latency over loopback HTTP against the real app, as ratios to serving a
//! static file from the same server: `cargo bench -p portal-tests --bench http`.

#[path = "../tests/portal/common/mod.rs"]
mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

fn routes(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (app, member) = rt.block_on(async {
        let app = common::spawn_app().await;
        let member = app.login("100001", common::DEMO_PASSWORD).await;
        (app, member)
    });
    // Plain requests: the schema check of the test client is not part of a route's cost.
    let get = |path: &str| {
        let (http, url) = (member.http.clone(), format!("{}{path}", member.url));
        async move { http.get(url).send().await.unwrap().bytes().await.unwrap() }
    };
    let mut g = c.benchmark_group("routes");
    g.bench_function("static /index.html", |b| b.to_async(&rt).iter(|| get("/index.html")));
    g.bench_function("GET /api/auth/session", |b| b.to_async(&rt).iter(|| get("/api/auth/session")));
    g.bench_function("GET /api/members/{no}/profile", |b| b.to_async(&rt).iter(|| get("/api/members/100001/profile")));
    g.sample_size(20);
    g.bench_function("POST /api/auth/login (argon2id)", |b| {
        b.to_async(&rt).iter(|| async {
            // A fresh client each time: the login itself, not a session refresh.
            let res = app
                .browser()
                .post("/api/auth/login", json!({ "member_no": "100001", "password": common::DEMO_PASSWORD }))
                .await;
            assert_eq!(res.status(), 200);
        })
    });
    g.finish();
}

criterion_group!(benches, routes);
criterion_main!(benches);
