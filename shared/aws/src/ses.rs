//! The mailer on SES (v2 API). Japanese text is sent as UTF-8.

use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use portal_domain::Mail;
use portal_domain::mail::{MailError, Mailer};

#[derive(Clone)]
pub struct SesMailer {
    client: Client,
    from: String,
    /// Sends through this configuration set, whose bounce and complaint events become
    /// suppressions (see the `mail-events` function).
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(client: Client, from: &str, configuration_set: Option<String>) -> Self {
        SesMailer { client, from: from.to_owned(), configuration_set }
    }
}

fn utf8(s: &str) -> Result<Content, MailError> {
    Content::builder().data(s).charset("UTF-8").build().map_err(|e| MailError::Permanent(e.to_string()))
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let message = Message::builder()
            .subject(utf8(&mail.subject)?)
            .body(Body::builder().text(utf8(&mail.body)?).build())
            .build();
        let result = self
            .client
            .send_email()
            .from_email_address(&self.from)
            .set_configuration_set_name(self.configuration_set.clone())
            .destination(Destination::builder().to_addresses(mail.to.as_str()).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let service = e.into_service_error();
                // A rejected message will be rejected again; anything else (throttling,
                // network, a paused account being fixed) is worth retrying.
                if service.is_message_rejected() {
                    Err(MailError::Permanent(format!("{service:?}")))
                } else {
                    Err(MailError::Transient(format!("{service:?}")))
                }
            }
        }
    }
}
