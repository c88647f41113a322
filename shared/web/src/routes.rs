//! One table of routes per group — method, path, who may call it, handler — from which
//! the group's router is built and which the route-agreement and access tests read. A
//! route exists in the code exactly when it is in its group's table.

use axum::Router;
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use portal_domain::{MemberNo, StaffRole};

use crate::session::{MemberClaims, StaffSession};
use crate::{ApiError, AppState, layers};

/// Who may call a route. Enforced by the router built from the table, before the
/// handler runs (handlers still check ownership: a member's own records only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not.
    Public,
    /// A logged-in member (the use case then allows only the member's own records).
    Member,
    /// Logged-in staff with at least this role.
    Staff(StaffRole),
    /// The payment provider's notifications: no session and no CSRF check (the
    /// provider is not a browser); the handler checks shop, order, amount and source.
    Provider,
}

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    handler: MethodRouter<AppState>,
}

impl Route {
    pub fn new<H, T>(method: Method, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("a routable method");
        Route { method, path, access, handler: on(filter, handler) }
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, h: H) -> Self {
        Self::new(Method::GET, path, access, h)
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, h: H) -> Self {
        Self::new(Method::POST, path, access, h)
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, h: H) -> Self {
        Self::new(Method::PUT, path, access, h)
    }

    pub fn delete<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, h: H) -> Self {
        Self::new(Method::DELETE, path, access, h)
    }
}

/// A route group: one Lambda function.
pub struct Group {
    pub name: &'static str,
    pub routes: fn() -> Vec<Route>,
}

/// Every group, in the order the local portal merges them.
pub const GROUPS: &[Group] = &[
    Group { name: "auth", routes: crate::auth_routes::routes },
    Group { name: "members", routes: crate::members_routes::routes },
    Group { name: "staff", routes: crate::staff_routes::routes },
    Group { name: "applications", routes: crate::applications_routes::routes },
    Group { name: "billing", routes: crate::billing_routes::routes },
    Group { name: "credits", routes: crate::credits_routes::routes },
    Group { name: "payment-notify", routes: crate::payments_routes::routes },
    Group { name: "receipts", routes: crate::receipts_routes::routes },
];

/// A route as the agreement tests see it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RouteInfo {
    pub group: &'static str,
    pub method: String,
    pub path: &'static str,
    pub access: String,
}

/// Every route of every group, read from the same tables the routers are built from.
pub fn all_routes() -> Vec<RouteInfo> {
    GROUPS
        .iter()
        .flat_map(|g| {
            (g.routes)().into_iter().map(move |r| RouteInfo {
                group: g.name,
                method: r.method.to_string(),
                path: r.path,
                access: match r.access {
                    Access::Public => "public".into(),
                    Access::Member => "member".into(),
                    Access::Staff(StaffRole::Reviewer) => "staff".into(),
                    Access::Staff(StaffRole::Administrator) => "administrator".into(),
                    Access::Provider => "provider".into(),
                },
            })
        })
        .collect()
}

/// The router of one group, with every API layer, built from its table.
pub fn router(group: &'static str, routes: Vec<Route>, state: AppState) -> Router {
    let webhook = routes.iter().all(|r| r.access == Access::Provider);
    assert!(
        webhook || routes.iter().all(|r| r.access != Access::Provider),
        "provider routes form a group of their own"
    );
    let mut r = Router::new();
    for route in routes {
        let guarded = match route.access {
            Access::Public | Access::Provider => route.handler,
            Access::Member => route.handler.route_layer(middleware::from_fn_with_state(state.clone(), member_only)),
            Access::Staff(role) => route
                .handler
                .route_layer(middleware::from_fn_with_state(state.clone(), staff_only))
                .layer(axum::Extension(role)),
        };
        r = r.route(route.path, guarded);
    }
    let r = if webhook { layers::webhook(r, state) } else { layers::api(r, state) };
    r.layer(axum::middleware::from_fn(move |req: Request, next: Next| async move {
        let res = next.run(req).await;
        if res.status().is_server_error() {
            crate::metrics::emit("Http5xx", 1.0, "Count", &[("Function", group)]);
        }
        res
    }))
}

/// A member route: the member's verified token goes to the handler; none is a 401. A
/// route about a member's records (`{member_no}` in its path) answers only that member:
/// anyone else gets the 404 of an id that does not exist, before the body is read, so
/// neither the answer nor its timing tells whose records exist.
async fn member_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    match MemberClaims::verify(&parts, &state) {
        Ok(claims) => {
            if let Ok(params) = RawPathParams::from_request_parts(&mut parts, &state).await
                && let Some((_, raw)) = params.iter().find(|(name, _)| *name == "member_no")
                && MemberNo::parse(raw).ok() != Some(claims.member_no)
            {
                return ApiError::not_found().into_response();
            }
            parts.extensions.insert(claims);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) => e.into_response(),
    }
}

/// A staff route: a current staff session of at least the route's role.
async fn staff_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let needed = parts.extensions.get::<StaffRole>().copied().unwrap_or(StaffRole::Administrator);
    match StaffSession::load(&parts, &state).await {
        Ok(s) if s.role.at_least(needed) => {
            parts.extensions.insert(s);
            next.run(Request::from_parts(parts, body)).await
        }
        Ok(_) => ApiError::forbidden_role().into_response(),
        Err(e) => e.into_response(),
    }
}
