//! One table of routes per group (`portal_web::routes`) builds the routers; four places
//! must agree with it: the OpenAPI document (with who may call each route), the SAM
//! template's HTTP API events, and the cargo-lambda router used by `cargo lambda
//! watch`. Every listed route also answers on the real app, and refuses callers its
//! access rule excludes.

use std::collections::BTreeSet;

use serde_yaml::Value as Yaml;

type Route = (String, String, String); // (function, METHOD, path)

fn repo(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn code_routes() -> BTreeSet<Route> {
    portal_web::all_routes().into_iter().map(|r| (r.group.into(), r.method, r.path.into())).collect()
}

fn untag(v: &Yaml) -> &Yaml {
    match v {
        Yaml::Tagged(t) => &t.value,
        other => other,
    }
}

#[test]
fn the_openapi_document_lists_exactly_the_routes_with_their_access() {
    let doc: Yaml = serde_yaml::from_str(&repo("docs/openapi.yaml")).unwrap();
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_mapping().unwrap() {
        for (method, op) in ops.as_mapping().unwrap() {
            if method.as_str() == Some("parameters") {
                continue;
            }
            let tag = op["tags"][0].as_str().unwrap().to_owned();
            let scheme = op["security"][0].as_mapping().and_then(|m| m.keys().next()).and_then(Yaml::as_str);
            let access = match scheme {
                None if op["tags"][0].as_str() == Some("payment-notify") => "provider",
                None => "public",
                Some("memberSession") => "member",
                Some("staffSession") => match op["x-role"].as_str() {
                    Some("administrator") => "administrator",
                    _ => "staff",
                },
                Some(other) => panic!("unknown security scheme {other}"),
            };
            documented.insert((
                tag,
                method.as_str().unwrap().to_uppercase(),
                path.as_str().unwrap().to_owned(),
                access.to_owned(),
            ));
        }
    }
    let code: BTreeSet<_> = portal_web::all_routes()
        .into_iter()
        .map(|r| (r.group.to_owned(), r.method, r.path.to_owned(), r.access))
        .collect();
    assert_eq!(documented, code);
}

#[test]
fn the_sam_template_routes_each_path_to_its_function() {
    let t: Yaml = serde_yaml::from_str(&repo("infra/template.yaml")).unwrap();
    let mut deployed = BTreeSet::new();
    for (_, res) in t["Resources"].as_mapping().unwrap() {
        if res["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = res["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap().to_owned();
        // A function URL serves the routes its metadata names (the notification route).
        if res["Properties"]["FunctionUrlConfig"].is_mapping() {
            for r in res["Metadata"]["PortalRoutes"].as_sequence().expect("a function URL names its routes") {
                let (method, path) = r.as_str().unwrap().split_once(' ').unwrap();
                deployed.insert((binary.clone(), method.to_owned(), path.to_owned()));
            }
            assert_eq!(res["Properties"]["FunctionUrlConfig"]["AuthType"].as_str(), Some("NONE"), "checked in code");
        }
        let Some(events) = res["Properties"]["Events"].as_mapping() else { continue };
        for (_, e) in events {
            if e["Type"].as_str() == Some("HttpApi") {
                let p = &e["Properties"];
                let method = untag(&p["Method"]).as_str().unwrap().to_uppercase();
                deployed.insert((binary.clone(), method, untag(&p["Path"]).as_str().unwrap().to_owned()));
            }
        }
    }
    // The API's catch-all goes to the auth function, which answers it with the JSON Error.
    assert!(deployed.remove(&("auth".to_owned(), "ANY".to_owned(), "/api/{proxy+}".to_owned())), "no catch-all route");
    assert_eq!(deployed, code_routes());
}

#[test]
fn cargo_lambda_watch_serves_the_same_paths() {
    let manifest: toml::Table = repo("Cargo.toml").parse().unwrap();
    let router = manifest["workspace"]["metadata"]["lambda"]["watch"]["router"].as_table().unwrap();
    let mut local = BTreeSet::new();
    for (path, targets) in router {
        for t in targets.as_array().unwrap() {
            local.insert((t["function"].as_str().unwrap().into(), t["method"].as_str().unwrap().into(), path.clone()));
        }
    }
    assert_eq!(local, code_routes());
}

// Who may call each route, cell by cell, is the access matrix (access_matrix.rs).
