//! Embedded adapters for the local portal and tests: the store port on SQLite (one
//! file, created on first use) and a mailbox that keeps every mail "sent".

pub mod dev_provider;
pub mod files;
mod mailbox;
mod table;

pub use dev_provider::SimulatedProvider;
pub use files::LocalFiles;
pub use mailbox::{Mailbox, SentMail};
pub use table::SqliteTable;
