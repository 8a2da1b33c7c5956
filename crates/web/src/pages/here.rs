//! Where a page's language switch goes back to.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, Uri};

use crate::http::urlencode;

/// The address that shows the page a request answered, for the language
/// switch to reload it in the other language.
///
/// For a GET that is the request's own address. A page that answers a
/// form's POST (a decision, a revealed number, a new API key) may have no
/// address of its own: loading the POST's address again would be refused
/// (405), and must not resend the form anyway. Such a page goes back to the
/// page the form was on, which the browser names in `Referer` (the site's
/// referrer policy is `same-origin`, so its own forms say, unless the
/// browser is set to send none). Only the path is kept, and the switch
/// accepts only local paths, so a form posted from elsewhere can lead
/// nowhere but into this site.
pub struct Here {
    /// The page the request was made from or is, when known.
    page: Option<String>,
    /// The request's own address.
    own: String,
    /// Whether the request sent a form (any method but GET and HEAD).
    form: bool,
}

impl Here {
    /// `referer` is the request's `Referer` header.
    pub fn of(method: &Method, uri: &Uri, referer: Option<&HeaderValue>) -> Here {
        let own = uri
            .path_and_query()
            .map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string());
        let form = method != Method::GET && method != Method::HEAD;
        let page = if form {
            referer.and_then(form_page)
        } else {
            Some(own.clone())
        };
        Here { page, own, form }
    }

    /// For a page that answers a form, the page the form was on: the
    /// browser shows that address instead of the POST's (`app.js`), so a
    /// reload does not send the form again, and a form sent from the answer
    /// names that page in its own `Referer`.
    pub fn form_page(&self) -> Option<&str> {
        self.page.as_deref().filter(|_| self.form)
    }

    /// For the console: the page, or the console's home when the form's
    /// page is not known. URL-encoded for a query string.
    pub fn back(&self) -> String {
        urlencode(self.page.as_deref().unwrap_or("/console"))
    }

    /// For the worker's pages, whose forms post to the address that shows
    /// them: the page, or else the request's own address.
    pub fn back_to_own(&self) -> String {
        urlencode(self.page.as_deref().unwrap_or(&self.own))
    }
}

/// The path of the page that sent a form, from its `Referer`.
fn form_page(referer: &HeaderValue) -> Option<String> {
    let referer: Uri = referer.to_str().ok()?.parse().ok()?;
    Some(referer.path_and_query()?.as_str().to_string())
}

impl<S: Send + Sync> FromRequestParts<S> for Here {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Here::of(
            &parts.method,
            &parts.uri,
            parts.headers.get(header::REFERER),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn referer(value: &str) -> HeaderValue {
        value.parse().unwrap()
    }

    #[test]
    fn a_get_page_goes_back_to_itself() {
        let uri: Uri = "/console/orgs/5/members?status=applied".parse().unwrap();
        let here = Here::of(&Method::GET, &uri, Some(&referer("http://x/console")));
        assert_eq!(here.back(), "/console/orgs/5/members%3Fstatus%3Dapplied");
        assert_eq!(here.form_page(), None, "a page of its own");
    }

    #[test]
    fn a_page_answering_a_form_goes_back_to_the_form_page() {
        let uri: Uri = "/console/orgs/5/members/decide".parse().unwrap();
        let h = referer("http://union.example:8080/console/orgs/5/members?q=1");
        let here = Here::of(&Method::POST, &uri, Some(&h));
        assert_eq!(here.back(), "/console/orgs/5/members%3Fq%3D1");
        assert_eq!(here.back_to_own(), here.back());
        assert_eq!(here.form_page(), Some("/console/orgs/5/members?q=1"));
    }

    #[test]
    fn without_the_form_page_the_console_goes_home_and_a_worker_page_stays() {
        let uri: Uri = "/join/abc".parse().unwrap();
        let here = Here::of(&Method::POST, &uri, None);
        assert_eq!(here.back(), "/console");
        assert_eq!(here.back_to_own(), "/join/abc");
        let unreadable = Here::of(&Method::POST, &uri, Some(&referer("not a uri")));
        assert_eq!(unreadable.back(), "/console");
    }
}
