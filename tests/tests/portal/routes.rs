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

/// CloudFront sends every API route to the HTTP API, uncached, with every method the
/// routes use and every header and cookie the API reads; its response headers carry the
/// same Content-Security-Policy text as the code.
#[test]
fn cloudfront_sends_every_api_route_to_the_api_with_what_it_reads() {
    let t: Yaml = serde_yaml::from_str(&repo("infra/template.yaml")).unwrap();
    let r = &t["Resources"];
    let config = &r["SiteDistribution"]["Properties"]["DistributionConfig"];
    let origin_of = |id: &str| {
        let origins = config["Origins"].as_sequence().unwrap();
        format!("{:?}", origins.iter().find(|o| o["Id"].as_str() == Some(id)).unwrap()["DomainName"])
    };
    let behaviours = config["CacheBehaviors"].as_sequence().unwrap();
    let api: Vec<&Yaml> =
        behaviours.iter().filter(|b| b["PathPattern"].as_str().is_some_and(|p| p.contains("api"))).collect();
    assert_eq!(api.len(), 1, "one behaviour for the API");
    let api = api[0];
    assert_eq!(api["PathPattern"].as_str(), Some("/api/*"));
    assert!(origin_of(api["TargetOriginId"].as_str().unwrap()).contains("PortalApi"), "/api/* goes to the HTTP API");
    // The managed CachingDisabled policy.
    assert_eq!(api["CachePolicyId"].as_str(), Some("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"));
    let methods: BTreeSet<String> =
        api["AllowedMethods"].as_sequence().unwrap().iter().map(|m| m.as_str().unwrap().to_owned()).collect();
    for route in portal_web::all_routes() {
        assert!(route.path.starts_with("/api/"), "{} is outside /api/*", route.path);
        assert!(methods.contains(&route.method), "CloudFront refuses {} {}", route.method, route.path);
    }
    let policy = &r["ApiOriginRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"];
    assert_eq!(policy["CookiesConfig"]["CookieBehavior"].as_str(), Some("all"));
    let forwarded: BTreeSet<String> = policy["HeadersConfig"]["Headers"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_ascii_lowercase())
        .collect();
    for h in portal_web::layers::API_READS_HEADERS {
        assert!(forwarded.contains(*h), "CloudFront does not forward {h}");
    }
    let csp = format!(
        "{:?}",
        r["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
            ["ContentSecurityPolicy"]
    );
    let code = portal_web::layers::content_security_policy(Some("https://${ProofBucket.RegionalDomainName}"));
    assert!(csp.contains(&format!("{code:?}")), "CloudFront's CSP differs from the code's:\n{csp}\n{code}");
}
