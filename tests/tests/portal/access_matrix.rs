//! The access matrix: every route of the route table × {owner member, other member,
//! reviewer, administrator, anonymous}, with the answer its access rule demands. The
//! rows come from `portal_web::all_routes()`, so a new route is in the matrix the day it
//! is added; its expected column comes from its `Access`, so there is nothing to forget.
//!
//! The owner's requests use the owner's real records (an application, an invoice, a
//! credit with a proof), so "not found" can only mean "not yours". Each route runs on a
//! fresh portal, so one route's state change (a delete, a submission) never hides
//! another's answer.

use crate::common::{self, Browser, DEMO_PASSWORD, TestApp};
use crate::http_credits;
use serde_json::{Value, json};

const OWNER: &str = "100001";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    Owner,
    OtherMember,
    Reviewer,
    Administrator,
    Anonymous,
}

const ACTORS: [Actor; 5] = [Actor::Anonymous, Actor::OtherMember, Actor::Reviewer, Actor::Administrator, Actor::Owner];

/// What an actor must get from a route with `access` (as `RouteInfo` names it).
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    /// Reaches the use case: anything but 401, 403, 404 and 405 (or a 5xx).
    Served,
    /// As [`Expect::Served`] but a 404 for an id is possible (public and staff routes
    /// may be asked for any member's records).
    ServedOrNotFound,
    Status(u16, &'static str),
}

fn expected(access: &str, path: &str, actor: Actor) -> Expect {
    use Actor::*;
    let members_records = path.contains("{member_no}");
    // The second login step needs the password step's short-lived cookie, which no
    // actor here holds (a finished login clears it).
    if path == "/api/staff/login/second-factor" {
        return Expect::Status(401, "login_expired");
    }
    match (access, actor) {
        ("public", _) => Expect::ServedOrNotFound,
        ("member", Owner) => Expect::Served,
        // A member route about the caller's own account (session, password).
        ("member", OtherMember) if !members_records => Expect::Served,
        // Another member's records do not exist for this member (no leak of which do).
        ("member", OtherMember) => Expect::Status(404, "not_found"),
        // A staff token is no member token, and the other way round.
        ("member", Reviewer | Administrator | Anonymous) => Expect::Status(401, "unauthenticated"),
        ("staff", Reviewer | Administrator) => Expect::ServedOrNotFound,
        ("administrator", Administrator) => Expect::ServedOrNotFound,
        ("administrator", Reviewer) => Expect::Status(403, "forbidden_role"),
        ("staff" | "administrator", Owner | OtherMember | Anonymous) => Expect::Status(401, "unauthenticated"),
        (other, _) => panic!("no rule for access {other}: add one to the matrix"),
    }
}

/// The owner's records, made through the API as the member would.
struct Fixtures {
    application_no: String,
    invoice_no: String,
    credit_no: String,
    proof_id: String,
}

async fn fixtures(owner: &Browser) -> Fixtures {
    let res = owner
        .post(
            &format!("/api/members/{OWNER}/applications"),
            json!({
                "kind": "renewal", "base_qualification": "internal_medicine_new", "base_cert_no": "11-12345678",
                "base_cert_fiscal_year": "2021", "base_period_start": "2021-04-01", "base_period_end": "2026-03-31",
            }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let application_no = res.json::<Value>().await.unwrap()["application_no"].as_str().unwrap().to_owned();
    let invoices: Value = owner.get(&format!("/api/members/{OWNER}/invoices")).await.json().await.unwrap();
    let invoice_no = invoices["invoices"][0]["invoice_no"].as_str().expect("the owner has an invoice").to_owned();
    let credit_no = http_credits::draft(owner, OWNER).await;
    let (put, key) = http_credits::upload(owner, OWNER, &credit_no, "application/pdf", http_credits::PDF).await;
    assert_eq!(put, 200);
    let proof: Value =
        http_credits::complete(owner, OWNER, &credit_no, &key, "application/pdf").await.json().await.unwrap();
    let proof_id = proof["proofs"][0]["id"].as_str().expect("the proof").to_owned();
    Fixtures { application_no, invoice_no, credit_no, proof_id }
}

fn concrete(path: &str, f: &Fixtures) -> String {
    path.replace("{member_no}", OWNER)
        .replace("{application_no}", &f.application_no)
        .replace("{invoice_no}", &f.invoice_no)
        .replace("{credit_no}", &f.credit_no)
        .replace("{proof_id}", &f.proof_id)
        // The administrator is last of the staff: resetting its own factor ends only
        // sessions already checked.
        .replace("{staff_id}", "admin01")
}

struct Actors {
    app: TestApp,
    fixtures: Fixtures,
    browsers: Vec<(Actor, Browser)>,
}

async fn actors() -> Actors {
    let app = common::spawn_app().await;
    let owner = app.login(OWNER, DEMO_PASSWORD).await;
    let fixtures = fixtures(&owner).await;
    let browsers = vec![
        (Actor::Anonymous, app.browser()),
        (Actor::OtherMember, app.login("100002", DEMO_PASSWORD).await),
        (Actor::Reviewer, app.login_staff("staff01").await),
        (Actor::Administrator, app.login_staff("admin01").await),
        (Actor::Owner, owner),
    ];
    Actors { app, fixtures, browsers }
}

async fn check_group(group: &str) {
    let routes: Vec<_> = portal_web::all_routes().into_iter().filter(|r| r.group == group).collect();
    assert!(!routes.is_empty(), "no routes in group {group}");
    for r in routes {
        if r.access == "provider" {
            continue; // the provider's servers, no session: its own tests (http_payments.rs)
        }
        // A fresh portal per route: the refused actors go first (and change nothing), the
        // owner last.
        let a = actors().await;
        let url = format!("{}{}", a.app.url, concrete(r.path, &a.fixtures));
        for actor in ACTORS {
            let b = &a.browsers.iter().find(|(who, _)| *who == actor).unwrap().1;
            let res = b
                .http
                .request(r.method.parse().unwrap(), &url)
                .header("Origin", &a.app.url)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or_default();
            let code = body["code"].as_str().unwrap_or("");
            let cell = format!("{} {} as {actor:?}: {status} {code}", r.method, r.path);
            assert!(status < 500, "{cell}");
            assert!(code != "no_route" && status != 405, "{cell}: the route is not served");
            match expected(&r.access, r.path, actor) {
                Expect::Served => assert!(![401, 403, 404].contains(&status), "{cell}"),
                Expect::ServedOrNotFound => assert!(![401, 403].contains(&status), "{cell}"),
                Expect::Status(s, c) => assert_eq!((status, code), (s, c), "{cell}"),
            }
        }
    }
}

macro_rules! matrix {
    ($($group:ident),*) => {$(
        #[tokio::test]
        async fn $group() {
            check_group(stringify!($group)).await;
        }
    )*};
}

matrix!(auth, members, staff, applications, billing, credits, receipts);

#[test]
fn every_group_is_in_the_matrix() {
    let covered = ["auth", "members", "staff", "applications", "billing", "credits", "receipts", "payment-notify"];
    for r in portal_web::all_routes() {
        assert!(covered.contains(&r.group), "group {} is missing from the access matrix", r.group);
    }
}
