//! Every cross-crate test of the portal in one binary (one link of the AWS SDK instead
//! of one per file): store conformance on both adapters, HTTP scenarios against the
//! real app, races, fault injection, the outbox, route agreement, store-call pins.

mod access_matrix;
mod common;
mod conformance;
mod faults;
mod http_application_list;
mod http_applications;
mod http_attendance;
mod http_audit;
mod http_credits;
mod http_hardening;
mod http_invoice_list;
mod http_login;
mod http_members;
mod http_password;
mod http_payments;
mod http_reminders;
mod http_rule;
mod http_second_factor;
mod http_staff_accounts;
mod http_staff_members;
mod http_units;
mod least_privilege;
mod model;
mod outbox;
mod races;
mod routes;
mod store_calls;
