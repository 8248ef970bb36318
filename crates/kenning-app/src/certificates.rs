//! Certificates of completion: issued when a person completes every lesson of a product
//! they hold, shown as a page and a PDF, and checkable by anyone with the code.

use kenning_domain::certificate::{Certificate, CertificateCode, is_complete};
use kenning_domain::ids::{LessonId, ProductId};

use crate::accounts::CurrentUser;
use crate::ports::CertificateText;
use crate::{AppError, Kenning};

impl Kenning {
    /// Issues the person's certificate for the product if every lesson is done and they
    /// hold it (or made it: creators can try their own course). Returns the certificate,
    /// new or already issued.
    pub async fn certificate_if_complete(
        &self,
        user: &CurrentUser,
        product_id: ProductId,
    ) -> Result<Option<Certificate>, AppError> {
        if let Some(existing) = self
            .store
            .certificate_of(user.account.id, product_id)
            .await?
        {
            return Ok(Some(existing));
        }
        let outline = self.outline(product_id).await?;
        let product = &outline.product;
        let holds = self.held_since(user.account.id, product).await?.is_some()
            || product.creator_id == user.account.id;
        if !holds {
            return Ok(None);
        }
        let lessons: Vec<LessonId> = outline.lessons.iter().map(|l| l.id).collect();
        let completed: Vec<LessonId> = self
            .store
            .progress_of(user.account.id)
            .await?
            .into_iter()
            .filter(|p| p.product_id == product_id && p.completed)
            .map(|p| p.lesson_id)
            .collect();
        if !is_complete(&lessons, &completed) {
            return Ok(None);
        }
        let certificate = Certificate {
            code: CertificateCode::new(),
            account_id: user.account.id,
            product_id,
            holder_name: user.account.display_name.as_str().to_owned(),
            creator_name: product.creator_name.clone(),
            product_title: product.title.clone(),
            lessons: i64::try_from(lessons.len()).unwrap_or(i64::MAX),
            issued_at_ms: self.now_ms(),
        };
        let kept = self.store.insert_certificate(&certificate).await?;
        self.holdings_changed();
        tracing::info!(certificate = %kept.code, product = %product_id, "certificate issued");
        Ok(Some(kept))
    }

    /// The person's certificates, newest first.
    pub async fn my_certificates(&self, user: &CurrentUser) -> Result<Vec<Certificate>, AppError> {
        Ok(self.store.certificates_of(user.account.id).await?)
    }

    /// A certificate by its code, for anyone who has it (verification). A malformed code
    /// names nothing.
    pub async fn verify_certificate(&self, code: &str) -> Result<Certificate, AppError> {
        let code: CertificateCode = code
            .parse()
            .map_err(|_| AppError::NotFound("certificate"))?;
        self.store
            .certificate(&code)
            .await?
            .ok_or(AppError::NotFound("certificate"))
    }

    /// The certificate as a PDF, in the words given.
    pub async fn certificate_pdf(&self, text: CertificateText) -> Result<Vec<u8>, AppError> {
        self.write_document(move |d| d.certificate_pdf(&text)).await
    }

    /// Runs a document writer off the async threads (PDF writing is CPU work).
    pub(crate) async fn write_document(
        &self,
        write: impl FnOnce(&dyn crate::ports::Documents) -> Result<Vec<u8>, crate::ports::DocumentError>
        + Send
        + 'static,
    ) -> Result<Vec<u8>, AppError> {
        let documents = self.documents.clone();
        tokio::task::spawn_blocking(move || write(documents.as_ref()))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(AppError::from)
    }
}
