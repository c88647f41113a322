//! 所定単位表: the table of creditable activities. Each 単位コード names an activity,
//! its 研修単位区分 and its units; staff maintain it (it is data, not code). Members
//! search it by name or reading: width and kana do not matter (「ﾛﾝﾌﾞﾝ」, 「ろんぶん」
//! and 「論文」 find the same code).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::FieldError;

/// 単位コード, e.g. `AM90-ATT`: 2–24 upper-case letters, digits or hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s: String = raw.trim().nfkc().collect::<String>().to_ascii_uppercase();
        if s.is_empty() {
            return Err(FieldError::new("unit_code", "単位コードを検索して選択してください。"));
        }
        let ok =
            (2..=24).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(UnitCode(s))
        } else {
            Err(FieldError::new("unit_code", "単位コードを候補から選択してください。"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitCode {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<UnitCode> for String {
    fn from(c: UnitCode) -> String {
        c.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an activity is, which decides what a self-report asks for and which proof it
/// needs (ネームカード for a meeting, 論文サマリー for a paper).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// 学術集会・地方会 等への参加・発表: the meeting's name.
    Meeting,
    /// 論文: its title, and the journal and issue (発刊号数).
    Paper,
}

impl Activity {
    pub fn proof(self) -> ProofKind {
        match self {
            Activity::Meeting => ProofKind::NameCard,
            Activity::Paper => ProofKind::PaperSummary,
        }
    }
}

/// 証明書類 (Proof).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProofKind {
    /// ネームカード
    NameCard,
    /// 論文サマリー
    PaperSummary,
}

impl ProofKind {
    pub fn label(self) -> &'static str {
        match self {
            ProofKind::NameCard => "ネームカード",
            ProofKind::PaperSummary => "論文サマリー",
        }
    }
}

/// 研修単位区分 as the renewal rule counts them: (code, label).
pub const CATEGORIES: [(&str, &str); 4] = [
    ("jcs_meeting", "日本循環器学会 学術集会"),
    ("regional_meeting", "地方会"),
    ("related_meeting", "関連学術集会"),
    ("paper", "論文"),
];

/// A row of the 所定単位表 as an administrator types it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnitForm {
    pub code: String,
    pub name: String,
    pub reading: String,
    pub category: String,
    #[serde(deserialize_with = "crate::field_error::whole_number::deserialize")]
    pub units: i64,
    /// `meeting` or `paper`.
    pub activity: String,
    pub self_reportable: bool,
    pub valid_from: String,
    /// Empty: in use without end.
    pub valid_to: String,
}

impl UnitForm {
    /// Every field checked; the problems of all fields at once.
    pub fn parse(&self) -> Result<UnitEntry, crate::FieldErrors> {
        let mut errs = crate::FieldErrors::new();
        let code = errs.take(UnitCode::parse(&self.code).map_err(|e| e.for_field("code")));
        let text = |field: &str, label: &str, v: &str, max: usize| {
            let v = v.trim();
            if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
                Err(FieldError::new(field, format!("{label}を{max}文字以内で入力してください。")))
            } else {
                Ok(v.to_owned())
            }
        };
        let name = errs.take(text("name", "名称", &self.name, 100));
        let reading = errs.take(text("reading", "よみがな", &self.reading, 200));
        let category = errs.take(
            CATEGORIES
                .iter()
                .find(|(c, _)| *c == self.category)
                .ok_or_else(|| FieldError::new("category", "研修単位区分を選んでください。")),
        );
        let units = errs.take(
            u32::try_from(self.units)
                .ok()
                .filter(|u| (1..=50).contains(u))
                .ok_or_else(|| FieldError::new("units", "単位数は1〜50の整数で入力してください。")),
        );
        let activity = errs.take(match self.activity.as_str() {
            "meeting" => Ok(Activity::Meeting),
            "paper" => Ok(Activity::Paper),
            _ => Err(FieldError::new("activity", "活動の種類（学術集会等・論文）を選んでください。")),
        });
        let valid_from = errs.take(crate::application::parse_date("valid_from", "適用開始日", &self.valid_from));
        let valid_to = if self.valid_to.trim().is_empty() {
            Some(None)
        } else {
            errs.take(crate::application::parse_date("valid_to", "適用終了日", &self.valid_to)).map(Some)
        };
        if let (Some(from), Some(Some(to))) = (valid_from, valid_to)
            && to < from
        {
            errs.push(FieldError::new("valid_to", "適用終了日は適用開始日以降の日付を入力してください。"));
        }
        match (code, name, reading, category, units, activity, valid_from, valid_to) {
            (
                Some(code),
                Some(name),
                Some(reading),
                Some((c, l)),
                Some(units),
                Some(activity),
                Some(from),
                Some(to),
            ) if errs.is_empty() => Ok(UnitEntry {
                code,
                name,
                reading: fold(&reading),
                category: (*c).to_owned(),
                category_label: (*l).to_owned(),
                units,
                activity,
                self_reportable: self.self_reportable,
                valid_from: from,
                valid_to: to,
                version: 0,
            }),
            _ => Err(errs),
        }
    }
}

/// One row of the 所定単位表.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitEntry {
    pub code: UnitCode,
    pub name: String,
    /// The name's reading in hiragana (for search).
    pub reading: String,
    /// 研修単位区分 code and label.
    pub category: String,
    pub category_label: String,
    pub units: u32,
    pub activity: Activity,
    /// Whether members may 自己申告 it (otherwise staff register it, e.g. by import).
    pub self_reportable: bool,
    pub valid_from: NaiveDate,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// Moves on every edit by staff; an edit is conditional on the version it read.
    #[serde(default)]
    pub version: i64,
}

impl UnitEntry {
    /// Whether the activity counts on `date` (retired codes keep their past credits).
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }

    /// Whether a folded query (see [`fold`]) finds this entry by code, name or reading.
    pub fn matches(&self, folded_query: &str) -> bool {
        folded_query.is_empty()
            || fold(&self.name).contains(folded_query)
            || fold(&self.reading).contains(folded_query)
            || fold(self.code.as_str()).contains(folded_query)
    }
}

/// Text as search compares it: NFKC (全角英数→半角, 半角カナ→全角), katakana folded to
/// hiragana, lower case, and without spaces.
pub fn fold(s: &str) -> String {
    let folded: String = s
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            // ァ..ヶ → ぁ..ゖ (the two blocks are 0x60 apart)
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    // Lower-casing can leave a sequence NFKC would compose: normalise once more, so
    // folding twice is folding once.
    folded.nfkc().collect()
}

/// The entries a member may self-report that match `query`, in table order.
pub fn search<'a>(table: &'a [UnitEntry], query: &str) -> Vec<&'a UnitEntry> {
    let q = fold(query);
    table.iter().filter(|e| e.self_reportable && e.matches(&q)).collect()
}

/// The sample 所定単位表 shipped with the portal — **sample values**, for staff to edit.
pub fn sample_table() -> Vec<UnitEntry> {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("valid date");
    let entry = |code: &str, name: &str, reading: &str, cat: (&str, &str), units, activity, from| UnitEntry {
        code: UnitCode::parse(code).expect("sample code"),
        name: name.into(),
        reading: reading.into(),
        category: cat.0.into(),
        category_label: cat.1.into(),
        units,
        activity,
        self_reportable: true,
        valid_from: from,
        valid_to: None,
        version: 0,
    };
    const JCS: (&str, &str) = ("jcs_meeting", "日本循環器学会 学術集会");
    const REGIONAL: (&str, &str) = ("regional_meeting", "地方会");
    const RELATED: (&str, &str) = ("related_meeting", "関連学術集会");
    const PAPER: (&str, &str) = ("paper", "論文");
    use Activity::{Meeting, Paper};
    vec![
        entry(
            "AM90-ATT",
            "第90回日本循環器学会学術集会 参加",
            "だい90かいにほんじゅんかんきがっかいがくじゅつしゅうかい さんか",
            JCS,
            10,
            Meeting,
            d(2026, 1, 1),
        ),
        entry(
            "AM90-PRE",
            "第90回日本循環器学会学術集会 発表",
            "だい90かいにほんじゅんかんきがっかいがくじゅつしゅうかい はっぴょう",
            JCS,
            15,
            Meeting,
            d(2026, 1, 1),
        ),
        entry(
            "AM89-ATT",
            "第89回日本循環器学会学術集会 参加",
            "だい89かいにほんじゅんかんきがっかいがくじゅつしゅうかい さんか",
            JCS,
            10,
            Meeting,
            d(2025, 1, 1),
        ),
        entry(
            "AM89-PRE",
            "第89回日本循環器学会学術集会 発表",
            "だい89かいにほんじゅんかんきがっかいがくじゅつしゅうかい はっぴょう",
            JCS,
            15,
            Meeting,
            d(2025, 1, 1),
        ),
        entry(
            "AM-ATT",
            "日本循環器学会学術集会 参加（第88回以前）",
            "にほんじゅんかんきがっかいがくじゅつしゅうかい さんか",
            JCS,
            10,
            Meeting,
            d(2000, 1, 1),
        ),
        entry("RM-ATT", "地方会 参加", "ちほうかい さんか", REGIONAL, 5, Meeting, d(2000, 1, 1)),
        entry("RM-PRE", "地方会 発表", "ちほうかい はっぴょう", REGIONAL, 7, Meeting, d(2000, 1, 1)),
        entry(
            "REL-AM",
            "関連学術集会 年次学術集会",
            "かんれんがくじゅつしゅうかい ねんじがくじゅつしゅうかい",
            RELATED,
            3,
            Meeting,
            d(2000, 1, 1),
        ),
        entry("PAPER-1ST", "論文（筆頭著者）", "ろんぶん ひっとうちょしゃ", PAPER, 5, Paper, d(2000, 1, 1)),
        entry("PAPER-CO", "論文（共著者）", "ろんぶん きょうちょしゃ", PAPER, 2, Paper, d(2000, 1, 1)),
    ]
}

/// The kinds of proof file accepted, told apart by their first bytes (never by the
/// name or the type the browser declared).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileType {
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
}

/// At most 10 MB per proof file.
pub const MAX_PROOF_BYTES: u64 = 10 * 1024 * 1024;

pub const FILE_TYPES_MESSAGE: &str = "アップロードできるのは PDF・JPEG・PNG 形式で、10MB 以下のファイルです。";

impl FileType {
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
        }
    }

    /// The type a browser declared, if it is one we accept.
    pub fn from_mime(mime: &str) -> Option<Self> {
        match mime.trim().to_ascii_lowercase().as_str() {
            "application/pdf" => Some(FileType::Pdf),
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(FileType::Jpeg),
            "image/png" => Some(FileType::Png),
            _ => None,
        }
    }

    /// What the file's first bytes say it is.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(b"%PDF-") {
            Some(FileType::Pdf)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileType::Jpeg)
        } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileType::Png)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kana_and_width_do_not_matter() {
        assert_eq!(fold("ﾛﾝﾌﾞﾝ"), "ろんぶん");
        assert_eq!(fold("ロンブン"), "ろんぶん");
        assert_eq!(fold("ＡＭ９０"), "am90");
        assert_eq!(fold(&fold("i´")), fold("i´"), "found by the property test below");
        let table = sample_table();
        let codes = |q: &str| search(&table, q).iter().map(|e| e.code.as_str().to_owned()).collect::<Vec<_>>();
        assert_eq!(codes("ﾛﾝﾌﾞﾝ"), codes("論文"));
        assert_eq!(codes("ろんぶん"), ["PAPER-1ST", "PAPER-CO"]);
        assert!(codes("第").len() >= 4, "「第○回…学会」 lists the numbered meetings");
        assert!(codes("学会").len() >= 5);
        assert_eq!(codes("関連学術集会"), ["REL-AM"]);
        assert!(codes("存在しない").is_empty());
    }

    #[test]
    fn codes_are_normalised_and_bounded() {
        assert_eq!(UnitCode::parse(" am90-att ").unwrap().as_str(), "AM90-ATT");
        assert_eq!(UnitCode::parse("ＡＭ９０－ＡＴＴ").unwrap().as_str(), "AM90-ATT", "full width is normalised");
        assert!(UnitCode::parse("").is_err());
        assert!(UnitCode::parse("A B").is_err());
    }

    #[test]
    fn files_are_known_by_their_first_bytes() {
        assert_eq!(FileType::sniff(b"%PDF-1.7\n"), Some(FileType::Pdf));
        assert_eq!(FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileType::Jpeg));
        assert_eq!(FileType::sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some(FileType::Png));
        assert_eq!(FileType::sniff(b"GIF89a"), None);
        assert_eq!(FileType::sniff(b"<html>"), None);
        assert_eq!(FileType::from_mime("IMAGE/PNG"), Some(FileType::Png));
        assert_eq!(FileType::from_mime("text/html"), None);
    }

    proptest! {
        #[test]
        fn folding_is_idempotent_and_never_panics(s in "\\PC{0,30}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
            let _ = UnitCode::parse(&s);
            let _ = FileType::sniff(s.as_bytes());
        }
    }
}
