//! The JSON bodies of the API, as types: codes for programs, labels (the manual's
//! words) for people. Each is described by a schema of the same name in
//! `docs/openapi.yaml`, and a test checks every answer against it.

use chrono::{DateTime, NaiveDate, Utc};
use portal_domain::payment::AttemptState;
use portal_domain::renewal_rule::{CategoryTally, SelfReportTally};
use portal_domain::{
    Activity, Actor, Application, ApplicationDetails, ApplicationKind, ApplicationNo, ApplicationStatus,
    ApprovalAction, CertPeriod, CollectionMethod, Credit, CreditNo, CreditSource, CreditStatus, Eligibility, FeeType,
    Invoice, InvoiceNo, InvoiceStatus, Member, MemberNo, OrderId, PaidVia, PayType, PaymentAttempt, PaymentOptions,
    PaymentRefusal, ProofKind, StaffId, StaffRole, UnitCode, UnitEntry,
};
use serde::Serialize;

/// A code with the label a person reads.
#[derive(Debug, Serialize)]
pub struct Labelled<T> {
    pub code: T,
    pub label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl From<&CertPeriod> for Period {
    fn from(p: &CertPeriod) -> Self {
        Period { start: p.start(), end: p.end() }
    }
}

#[derive(Debug, Serialize)]
pub struct Message {
    pub message: &'static str,
}

#[derive(Debug, Serialize)]
pub struct MemberSession {
    pub member_no: MemberNo,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct MemberLogin {
    pub member_no: MemberNo,
    pub name: String,
    /// The page to open after login (a `next=` deep link, or the home page).
    pub redirect: String,
}

#[derive(Debug, Serialize)]
pub struct StaffSession {
    pub staff_id: StaffId,
    pub name: String,
    pub role: StaffRole,
    pub role_label: &'static str,
}

/// 会員検索の結果.
#[derive(Debug, Serialize)]
pub struct MemberSearch {
    pub members: Vec<portal_app::records::DirectoryEntry>,
}

/// 会員の詳細 as staff see it.
#[derive(Debug, Serialize)]
pub struct StaffMemberView {
    pub profile: MemberProfile,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_kana: Option<String>,
    pub invoices: Vec<InvoiceView>,
    pub audit: Vec<portal_app::records::AuditEntry>,
}

/// An audit trail, oldest first.
#[derive(Debug, Serialize)]
pub struct AuditTrail {
    pub entries: Vec<portal_app::records::AuditEntry>,
}

/// The answer to a right password: which second step follows.
#[derive(Debug, Serialize)]
pub struct StaffLoginStep {
    /// `enrol` (first login: set up an authenticator) or `code`.
    pub second_factor: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrolment: Option<Enrolment>,
}

/// A fresh key to enrol: as QR code and as text for typing in by hand.
#[derive(Debug, Serialize)]
pub struct Enrolment {
    pub secret: String,
    pub otpauth_uri: String,
    pub qr: crate::second_factor::QrPath,
}

/// A finished staff login; on enrolment with the recovery codes, shown this once.
#[derive(Debug, Serialize)]
pub struct StaffLoggedIn {
    #[serde(flatten)]
    pub session: StaffSession,
    pub recovery_codes: Vec<String>,
}

impl StaffSession {
    pub fn new(staff_id: StaffId, name: String, role: StaffRole) -> Self {
        StaffSession { staff_id, name, role, role_label: role.label() }
    }
}

#[derive(Debug, Serialize)]
pub struct RenewalView {
    pub base_qualification: Labelled<&'static str>,
    pub base_cert_no: String,
    pub base_cert_fiscal_year: i32,
    pub base_period: Period,
}

#[derive(Debug, Serialize)]
pub struct DeclineView {
    pub reason: Labelled<&'static str>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ApplicationView {
    pub application_no: ApplicationNo,
    pub kind: ApplicationKind,
    pub kind_label: &'static str,
    pub status: ApplicationStatus,
    pub status_label: &'static str,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub invoice_no: Option<InvoiceNo>,
    pub cert_period_end: NaiveDate,
    /// The 更新条件 version a submitted renewal was checked against.
    pub rule_version: Option<u32>,
    pub renewal: Option<RenewalView>,
    pub decline: Option<DeclineView>,
}

pub fn application(a: &Application) -> ApplicationView {
    let (renewal, decline) = match &a.details {
        ApplicationDetails::Renewal(r) => (
            Some(RenewalView {
                base_qualification: Labelled { code: r.base_qualification.code(), label: r.base_qualification.label() },
                base_cert_no: r.base_cert_no.as_str().to_owned(),
                base_cert_fiscal_year: r.base_cert_fiscal_year.year(),
                base_period: (&r.base_period).into(),
            }),
            None,
        ),
        ApplicationDetails::Decline(d) => (
            None,
            Some(DeclineView {
                reason: Labelled { code: d.reason.code(), label: d.reason.label() },
                note: d.note.clone(),
            }),
        ),
    };
    let kind = a.details.kind();
    ApplicationView {
        application_no: a.application_no.clone(),
        kind,
        kind_label: kind.label(),
        status: a.status,
        status_label: a.status.label(),
        created_at: a.created_at,
        submitted_at: a.submitted_at,
        invoice_no: a.invoice_no.clone(),
        cert_period_end: a.cert_period_end,
        rule_version: a.rule_version,
        renewal,
        decline,
    }
}

#[derive(Debug, Serialize)]
pub struct ProofView {
    pub id: String,
    pub kind: Labelled<ProofKind>,
    pub file_name: String,
    pub content_type: &'static str,
    pub size: u64,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct HistoryView {
    pub at: DateTime<Utc>,
    pub action: Labelled<ApprovalAction>,
    /// 会員 or 事務局, and the name.
    pub actor: String,
    pub by_staff: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CreditView {
    pub credit_no: CreditNo,
    pub unit_code: UnitCode,
    pub unit_name: String,
    pub category: String,
    pub category_label: String,
    pub units: u32,
    pub earned_on: NaiveDate,
    pub source: CreditSource,
    pub status: CreditStatus,
    pub status_label: &'static str,
    pub title: Option<String>,
    pub journal: Option<String>,
    /// Which 「ファイルをアップロード」 the record asks for (ネームカード or 論文サマリー).
    pub proof_kind: Option<Labelled<ProofKind>>,
    pub proofs: Vec<ProofView>,
    /// 承認履歴, oldest first.
    pub history: Vec<HistoryView>,
    pub rejection_reason: Option<String>,
    /// The version the next change must name (staff decisions).
    pub version: i64,
    pub editable: bool,
}

fn proof_kind(k: ProofKind) -> Labelled<ProofKind> {
    Labelled { code: k, label: k.label() }
}

pub fn credit(c: &Credit) -> CreditView {
    CreditView {
        credit_no: c.credit_no.clone(),
        unit_code: c.unit_code.clone(),
        unit_name: c.unit_name.clone(),
        category: c.category.clone(),
        category_label: c.category_label.clone(),
        units: c.units,
        earned_on: c.earned_on,
        source: c.source,
        status: c.status,
        status_label: c.status.label(),
        title: c.title.clone(),
        journal: c.journal.clone(),
        proof_kind: c.activity.filter(|_| c.source == CreditSource::SelfReport).map(|a| proof_kind(a.proof())),
        proofs: c
            .proofs
            .iter()
            .map(|p| ProofView {
                id: p.id.clone(),
                kind: proof_kind(p.kind),
                file_name: p.file_name.clone(),
                content_type: p.file_type.mime(),
                size: p.size,
                uploaded_at: p.uploaded_at,
            })
            .collect(),
        history: c
            .history
            .iter()
            .map(|e| HistoryView {
                at: e.at,
                action: Labelled { code: e.action, label: e.action.label() },
                actor: match &e.actor {
                    Actor::Member { name, .. } => format!("会員 {name}"),
                    Actor::Staff { name, .. } => format!("事務局 {name}"),
                },
                by_staff: matches!(e.actor, Actor::Staff { .. }),
                comment: e.comment.clone(),
            })
            .collect(),
        rejection_reason: c.rejection_reason.clone().filter(|_| c.status == CreditStatus::Rejected),
        version: c.version,
        editable: c.source == CreditSource::SelfReport && c.status.editable(),
    }
}

#[derive(Debug, Serialize)]
pub struct UnitView {
    pub code: UnitCode,
    pub name: String,
    pub category: String,
    pub category_label: String,
    pub units: u32,
    pub activity: Activity,
    pub proof_kind: Labelled<ProofKind>,
    pub self_reportable: bool,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

pub fn unit(e: &UnitEntry) -> UnitView {
    UnitView {
        code: e.code.clone(),
        name: e.name.clone(),
        category: e.category.clone(),
        category_label: e.category_label.clone(),
        units: e.units,
        activity: e.activity,
        proof_kind: proof_kind(e.activity.proof()),
        self_reportable: e.self_reportable,
        valid_from: e.valid_from,
        valid_to: e.valid_to,
    }
}

#[derive(Debug, Serialize)]
pub struct UnitList {
    /// Marks the figures as the shipped sample until staff maintain the table.
    pub note: &'static str,
    pub units: Vec<UnitView>,
}

#[derive(Debug, Serialize)]
pub struct Allowance {
    pub reported: u32,
    pub cap: u32,
    pub remaining: u32,
    /// Why 「新規」 cannot be used, when it cannot.
    pub message: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct UploadTicketView {
    /// Name this key in 「完了」.
    pub key: String,
    pub method: &'static str,
    pub url: String,
    /// Headers the upload must carry exactly (the signature covers them).
    pub headers: std::collections::BTreeMap<String, String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct PendingCreditView {
    pub member_no: MemberNo,
    pub member_name: String,
    pub requested_at: Option<DateTime<Utc>>,
    pub credit: CreditView,
}

#[derive(Debug, Serialize)]
pub struct PendingQueue {
    pub items: Vec<PendingCreditView>,
    /// Pass as `after` for the next page; null on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct InvoiceView {
    pub invoice_no: InvoiceNo,
    pub fee_type: Labelled<FeeType>,
    pub fiscal_year: i32,
    pub amount: u32,
    pub due_date: NaiveDate,
    pub status: Labelled<InvoiceStatus>,
    pub paid_on: Option<NaiveDate>,
    pub application_no: Option<ApplicationNo>,
    pub payment: PaymentView,
}

/// What the 請求収納の照会 screen offers: the two buttons, 「お支払い手続きの処理中」,
/// the postal slip's red notice, or 納入済 (with 「領収書」).
#[derive(Debug, Serialize)]
pub struct PaymentView {
    /// `open`, `processing`, `slip_requested` or `paid`.
    pub state: &'static str,
    /// The methods the provider's checkout offers for this fee.
    pub methods: Vec<Labelled<PayType>>,
    /// While processing: the first day a new checkout may start.
    pub next_checkout_on: Option<NaiveDate>,
    pub message: Option<String>,
    pub slip: Option<SlipView>,
    /// When a slip requested today would be mailed (for the confirmation).
    pub next_slip_batch: Option<NextBatch>,
    pub paid_via: Option<Labelled<PaidVia>>,
    /// The payment number of a convenience-store or Pay-easy checkout in progress.
    pub numbers: Option<NumbersView>,
    pub receipt_available: bool,
}

#[derive(Debug, Serialize)]
pub struct SlipView {
    pub batch: String,
    pub batch_on: NaiveDate,
    pub address: portal_domain::MailingAddress,
}

#[derive(Debug, Serialize)]
pub struct NextBatch {
    pub batch: &'static str,
    pub batch_on: NaiveDate,
}

#[derive(Debug, Serialize)]
pub struct NumbersView {
    pub pay_type: Labelled<PayType>,
    pub store: Option<&'static str>,
    pub cvs_conf_no: Option<String>,
    pub cvs_receipt_no: Option<String>,
    pub bk_code: Option<String>,
    pub cust_id: Option<String>,
    pub conf_no: Option<String>,
    pub payment_term: Option<String>,
}

fn pay_type(p: PayType) -> Labelled<PayType> {
    Labelled { code: p, label: p.label() }
}

pub fn invoice(i: &Invoice, today: NaiveDate) -> InvoiceView {
    invoice_with(i, None, today)
}

/// An invoice with the checkout attempt in progress, if any (its payment numbers).
pub fn invoice_with(i: &Invoice, attempt: Option<&PaymentAttempt>, today: NaiveDate) -> InvoiceView {
    let status = i.status(today);
    let options = i.options(today);
    let (state, next_checkout_on, message) = match &options {
        PaymentOptions::Paid => ("paid", None, None),
        PaymentOptions::Open => ("open", None, None),
        PaymentOptions::Processing { until } => {
            ("processing", Some(*until), Some(PaymentRefusal::Processing { until: *until }.to_string()))
        }
        PaymentOptions::SlipRequested => ("slip_requested", None, Some(PaymentRefusal::SlipRequested.to_string())),
    };
    let numbers = attempt
        .filter(|a| a.state == AttemptState::NumberIssued && i.paid_on.is_none())
        .and_then(|a| Some((a.pay_type?, a.numbers.clone()?)))
        .map(|(p, n)| NumbersView {
            pay_type: pay_type(p),
            store: n.store_name(),
            cvs_conf_no: n.cvs_conf_no,
            cvs_receipt_no: n.cvs_receipt_no,
            bk_code: n.bk_code,
            cust_id: n.cust_id,
            conf_no: n.conf_no,
            payment_term: n.payment_term,
        });
    InvoiceView {
        invoice_no: i.invoice_no.clone(),
        fee_type: Labelled { code: i.fee_type, label: i.fee_type.label() },
        fiscal_year: i.fiscal_year.year(),
        amount: i.amount,
        due_date: i.due_date,
        status: Labelled { code: status, label: status.label() },
        paid_on: i.paid_on,
        application_no: i.application_no.clone(),
        payment: PaymentView {
            state,
            methods: PayType::offered_for(i.fee_type).iter().map(|p| pay_type(*p)).collect(),
            next_checkout_on,
            message,
            slip: i.postal_slip.as_ref().map(|s| SlipView {
                batch: s.batch.clone(),
                batch_on: s.batch_on,
                address: s.address.clone(),
            }),
            next_slip_batch: (state == "open").then(|| {
                let (batch_on, batch) = portal_domain::payment::next_slip_batch(today);
                NextBatch { batch, batch_on }
            }),
            paid_via: i.paid_via.map(|v| Labelled { code: v, label: v.label() }),
            numbers,
            receipt_available: i.paid_on.is_some(),
        },
    }
}

#[derive(Debug, Serialize)]
pub struct CheckoutStarted {
    pub order_id: OrderId,
    /// Where to send the member: the provider's checkout.
    pub redirect_url: String,
}

#[derive(Debug, Serialize)]
pub struct InvoiceList {
    pub collection_method: Labelled<CollectionMethod>,
    pub invoices: Vec<InvoiceView>,
}

#[derive(Debug, Serialize)]
pub struct Certification {
    pub cert_no: String,
    pub certified_on: NaiveDate,
    pub certified_fiscal_year: i32,
    pub period: Period,
}

#[derive(Debug, Serialize)]
pub struct MemberProfile {
    pub member_no: MemberNo,
    pub name: String,
    pub email: String,
    pub mailing_address: portal_domain::MailingAddress,
    pub collection_method: Labelled<CollectionMethod>,
    pub certification: Option<Certification>,
    pub applications: Vec<ApplicationView>,
    pub credits: Vec<CreditView>,
}

pub fn member_profile(m: &Member, applications: &[Application], credits: &[Credit]) -> MemberProfile {
    MemberProfile {
        member_no: m.member_no,
        name: m.name.as_str().to_owned(),
        email: m.email.as_str().to_owned(),
        mailing_address: m.mailing_address.clone(),
        collection_method: Labelled { code: m.collection_method, label: m.collection_method.label() },
        certification: m.certification.as_ref().map(|c| Certification {
            cert_no: c.cert_no.as_str().to_owned(),
            certified_on: c.certified_on,
            certified_fiscal_year: c.certified_fiscal_year().year(),
            period: (&c.period).into(),
        }),
        applications: applications.iter().map(application).collect(),
        credits: credits.iter().map(credit).collect(),
    }
}

#[derive(Debug, Serialize)]
pub struct Submitted {
    pub application: ApplicationView,
    pub invoice: Option<InvoiceView>,
    pub already_submitted: bool,
}

#[derive(Debug, Serialize)]
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ApplicationOptions {
    pub base_qualifications: Vec<Choice>,
    pub decline_reasons: Vec<Choice>,
}

#[derive(Debug, Serialize)]
pub struct UnpaidDues {
    pub invoice_no: InvoiceNo,
    pub fiscal_year: i32,
    pub amount: u32,
}

#[derive(Debug, Serialize)]
pub struct DuesCheck {
    pub ok: bool,
    pub unpaid: Vec<UnpaidDues>,
}

#[derive(Debug, Serialize)]
pub struct UnitsCheck {
    pub required: u32,
    pub counted: u32,
    pub missing: u32,
    pub self_report: SelfReportTally,
    pub categories: Vec<CategoryTally>,
}

#[derive(Debug, Serialize)]
pub struct EligibilityView {
    /// 更新条件 第N版, the version the check used.
    pub rule: RuleUsed,
    pub period: Period,
    pub eligible: bool,
    pub dues: DuesCheck,
    pub units: UnitsCheck,
}

#[derive(Debug, Serialize)]
pub struct RuleUsed {
    pub version: u32,
    pub revised_at: Option<DateTime<Utc>>,
}

pub fn eligibility(e: &Eligibility) -> EligibilityView {
    EligibilityView {
        rule: RuleUsed { version: e.rule_version, revised_at: e.rule_revised_at },
        period: (&e.period).into(),
        eligible: e.eligible,
        dues: DuesCheck {
            ok: e.dues_ok,
            unpaid: e
                .blocking_dues
                .iter()
                .map(|i| UnpaidDues {
                    invoice_no: i.invoice_no.clone(),
                    fiscal_year: i.fiscal_year.year(),
                    amount: i.amount,
                })
                .collect(),
        },
        units: UnitsCheck {
            required: e.required,
            counted: e.counted,
            missing: e.missing,
            self_report: e.self_report.clone(),
            categories: e.categories.clone(),
        },
    }
}

/// One shortfall of units, in total (`category` null) or in a 研修単位区分.
#[derive(Debug, Serialize)]
pub struct Shortfall {
    pub category: Option<String>,
    pub label: String,
    pub required: Option<u32>,
    pub counted: u32,
    pub missing: u32,
}

/// Why STEP④ was refused, as the manual words it.
#[derive(Debug, Serialize)]
pub struct RefusalReason {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoices: Option<Vec<InvoiceNo>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortfalls: Option<Vec<Shortfall>>,
}

/// Both reasons when both apply.
pub fn refusal_reasons(e: &Eligibility) -> Vec<RefusalReason> {
    let mut reasons = Vec::new();
    if !e.dues_ok {
        let years: Vec<String> = e.blocking_dues.iter().map(|i| format!("{}年度", i.fiscal_year.year())).collect();
        reasons.push(RefusalReason {
            code: "dues_unpaid",
            message: format!(
                "年会費のお支払いが未納です（{}）。専門医資格更新の申請を行うには年会費のお支払いを完了させる必要があります。",
                years.join("・")
            ),
            invoices: Some(e.blocking_dues.iter().map(|i| i.invoice_no.clone()).collect()),
            shortfalls: None,
        });
    }
    if !e.units_ok() {
        let mut shortfalls = Vec::new();
        if e.missing > 0 {
            shortfalls.push(Shortfall {
                category: None,
                label: "合計".into(),
                required: Some(e.required),
                counted: e.counted,
                missing: e.missing,
            });
        }
        for c in e.categories.iter().filter(|c| c.missing > 0) {
            shortfalls.push(Shortfall {
                category: Some(c.code.clone()),
                label: c.label.clone(),
                required: c.minimum,
                counted: c.counted,
                missing: c.missing,
            });
        }
        let detail: Vec<String> = shortfalls.iter().map(|s| format!("{}: あと{}単位", s.label, s.missing)).collect();
        reasons.push(RefusalReason {
            code: "units_short",
            message: format!("単位が不足しています。必要単位を取得してください。（{}）", detail.join("、")),
            invoices: None,
            shortfalls: Some(shortfalls),
        });
    }
    reasons
}

#[derive(Debug, Serialize)]
pub struct RefundCase {
    pub order_id: OrderId,
    pub member_no: MemberNo,
    pub invoice_no: InvoiceNo,
    pub amount: u32,
    pub pay_type: Option<Labelled<PayType>>,
    pub started_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct RefundCases {
    pub items: Vec<RefundCase>,
}
