//! Embedded adapters for the local portal and tests: the store port on SQLite (one
//! file, created on first use) and a mailbox that keeps every mail "sent".

mod mailbox;
mod table;

pub use mailbox::{Mailbox, SentMail};
pub use table::SqliteTable;
