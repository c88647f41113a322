//! The JSON shapes of domain records as the site reads them: codes for programs,
//! labels (the manual's words) for people.

use chrono::NaiveDate;
use portal_domain::{Application, ApplicationDetails, Credit, Eligibility, Invoice};
use serde_json::{Value, json};

pub fn application(a: &Application) -> Value {
    let (renewal, decline) = match &a.details {
        ApplicationDetails::Renewal(r) => (
            json!({
                "base_qualification": { "code": r.base_qualification.code(), "label": r.base_qualification.label() },
                "base_cert_no": r.base_cert_no,
                "base_cert_fiscal_year": r.base_cert_fiscal_year.year(),
                "base_period": { "start": r.base_period.start(), "end": r.base_period.end() },
            }),
            Value::Null,
        ),
        ApplicationDetails::Decline(d) => {
            (Value::Null, json!({ "reason": { "code": d.reason.code(), "label": d.reason.label() }, "note": d.note }))
        }
    };
    let kind = a.details.kind();
    json!({
        "application_no": a.application_no.0,
        "kind": kind.code(),
        "kind_label": kind.label(),
        "status": a.status.code(),
        "status_label": a.status.label(),
        "created_at": a.created_at,
        "submitted_at": a.submitted_at,
        "invoice_no": a.invoice_no.as_ref().map(|n| n.0.clone()),
        "cert_period_end": a.cert_period_end,
        "renewal": renewal,
        "decline": decline,
    })
}

pub fn credit(c: &Credit) -> Value {
    json!({
        "credit_no": c.credit_no,
        "unit_code": c.unit_code,
        "unit_name": c.unit_name,
        "category": c.category,
        "category_label": c.category_label,
        "units": c.units,
        "earned_on": c.earned_on,
        "source": c.source,
        "status": c.status,
        "status_label": c.status.label(),
        "title": c.title,
    })
}

pub fn invoice(i: &Invoice, today: NaiveDate) -> Value {
    let status = i.status(today);
    json!({
        "invoice_no": i.invoice_no.0,
        "fee_type": { "code": i.fee_type, "label": i.fee_type.label() },
        "fiscal_year": i.fiscal_year.year(),
        "amount": i.amount,
        "due_date": i.due_date,
        "status": { "code": status, "label": status.label() },
        "paid_on": i.paid_on,
        "application_no": i.application_no,
    })
}

pub fn eligibility(e: &Eligibility) -> Value {
    json!({
        "period": { "start": e.period.start(), "end": e.period.end() },
        "eligible": e.eligible,
        "dues": {
            "ok": e.dues_ok,
            "unpaid": e.blocking_dues.iter().map(|i| json!({ "invoice_no": i.invoice_no.0, "fiscal_year": i.fiscal_year.year(), "amount": i.amount })).collect::<Vec<_>>(),
        },
        "units": {
            "required": e.required,
            "counted": e.counted,
            "missing": e.missing,
            "self_report": e.self_report,
            "categories": e.categories,
        },
    })
}

/// Why STEP④ was refused, as the manual words it (both reasons when both apply).
pub fn refusal_reasons(e: &Eligibility) -> Value {
    let mut reasons = Vec::new();
    if !e.dues_ok {
        let years: Vec<String> = e.blocking_dues.iter().map(|i| format!("{}年度", i.fiscal_year.year())).collect();
        reasons.push(json!({
            "code": "dues_unpaid",
            "message": format!("年会費のお支払いが未納です（{}）。専門医資格更新の申請を行うには年会費のお支払いを完了させる必要があります。", years.join("・")),
            "invoices": e.blocking_dues.iter().map(|i| i.invoice_no.0.clone()).collect::<Vec<_>>(),
        }));
    }
    if !e.units_ok() {
        let mut shortfalls = Vec::new();
        if e.missing > 0 {
            shortfalls.push(json!({ "category": null, "label": "合計", "required": e.required, "counted": e.counted, "missing": e.missing }));
        }
        for c in e.categories.iter().filter(|c| c.missing > 0) {
            shortfalls.push(json!({ "category": c.code, "label": c.label, "required": c.minimum, "counted": c.counted, "missing": c.missing }));
        }
        let detail: Vec<String> = shortfalls
            .iter()
            .map(|s| format!("{}: あと{}単位", s["label"].as_str().unwrap_or(""), s["missing"]))
            .collect();
        reasons.push(json!({
            "code": "units_short",
            "message": format!("単位が不足しています。必要単位を取得してください。（{}）", detail.join("、")),
            "shortfalls": shortfalls,
        }));
    }
    Value::Array(reasons)
}
