//! CSV downloads (audit log, students, statements). People open them in spreadsheets,
//! which run a cell that starts with `=`, `+`, `-` or `@` as a formula: such a cell
//! written by someone (a name, a reason) is prefixed with an apostrophe, so it is
//! shown, never run. Plain numbers (a negative amount) are left as they are.

use kenning_app::AppError;

use crate::error::HttpError;

/// A CSV document, row by row.
pub struct Sheet {
    out: csv::Writer<Vec<u8>>,
}

fn failed(e: impl std::fmt::Display) -> HttpError {
    HttpError::from_app(&AppError::Internal(format!("csv: {e}")))
}

/// A plain decimal number, such as `-5.00` or `12`.
fn is_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

/// The cell as a spreadsheet will show it, never as a formula it would run.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_number(cell) => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

impl Sheet {
    /// A sheet with this header row.
    pub fn new(header: &[&str]) -> Result<Sheet, HttpError> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(header).map_err(failed)?;
        Ok(Sheet { out })
    }

    pub fn row<I, S>(&mut self, cells: I) -> Result<(), HttpError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| inert(c.as_ref()).into_owned())
            .collect();
        self.out.write_record(&cells).map_err(failed)
    }

    pub fn finish(self) -> Result<Vec<u8>, HttpError> {
        self.out.into_inner().map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_shown_and_numbers_stay_numbers() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("+1+1"), "'+1+1");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("-2+3"), "'-2+3");
        assert_eq!(inert("\tx"), "'\tx");
        assert_eq!(inert("-5.00"), "-5.00");
        assert_eq!(inert("-12"), "-12");
        assert_eq!(inert("Ada"), "Ada");
        assert_eq!(inert(""), "");
        assert_eq!(inert("-"), "'-");
    }

    #[test]
    fn a_sheet_writes_its_rows() {
        let mut sheet = Sheet::new(&["name", "amount"]).unwrap_or_else(|_| panic!("header"));
        sheet
            .row(["=cmd", "-1.50"])
            .unwrap_or_else(|_| panic!("row"));
        let text = String::from_utf8(sheet.finish().unwrap_or_default()).unwrap_or_default();
        assert_eq!(text, "name,amount\n'=cmd,-1.50\n");
    }
}
