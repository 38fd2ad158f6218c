import pytest


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    """PDs must set up two-factor sign-in; these tests are about projects, not MFA."""
    settings.CLIC_MFA_ENFORCED = False


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    """A real PDF, made by WeasyPrint."""
    from weasyprint import HTML

    return HTML(string="<h1>Frailty pathway</h1><p>Outcome summary.</p>").write_pdf()
