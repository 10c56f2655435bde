"""Page images of both receipt kinds for docs/ (issued from a small demo database).

Usage: python scripts/receipt_images.py   (needs pdftoppm, from Debian's poppler-utils)
Writes docs/receipt-11580.png (an annual receipt with several gifts, one of them in kind)
and docs/receipt-16216.png (a company whose financial year ends on 30 June: the second of its
two 2025 receipts), with a sample logo and signature.
`--extra DIR` also writes, to DIR, both company receipts and the same 11580 issued by an
association recognised of public utility (decree and Journal officiel dates printed).
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import app.operations  # noqa: E402, F401  (hands the receipt renderer to the core)
from app.core.demo import generate_demo  # noqa: E402
from app.core.opening import open_database  # noqa: E402
from app.core.organisation import set_receipt_image  # noqa: E402
from app.core.receipts import lifecycle  # noqa: E402
from app.core.receipts.eligibility import plan_receipts  # noqa: E402
from app.core.receipts.issuing import issue  # noqa: E402
from app.core.receipts.settings import ReceiptSettings, save_receipt_settings  # noqa: E402
from app.models import Contact, Gift, OrganisationSettings, Receipt  # noqa: E402
from app.models.enums import (  # noqa: E402
    ContactKind,
    GiftNature,
    PaymentMethod,
    ReceiptKind,
    ReceiptMode,
)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def sample_logo() -> bytes:
    """A round emblem with the association's initials."""
    image = Image.new("RGBA", (300, 180), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((60, 0, 240, 180), fill=(37, 84, 140, 255))
    draw.ellipse((80, 20, 220, 160), outline=(255, 255, 255, 255), width=6)
    draw.text((112, 70), "AMPB", fill=(255, 255, 255, 255), font_size=28)
    return _png(image)


def sample_signature() -> bytes:
    """A handwritten-looking stroke."""
    image = Image.new("RGBA", (400, 160), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + x * 6, 90 + ((x * 37) % 23 - 11) * 2 - (x % 7) * 3) for x in range(60)]
    draw.line(points, fill=(20, 30, 90, 255), width=5, joint="curve")
    draw.line([(40, 120), (360, 110)], fill=(20, 30, 90, 255), width=3)
    return _png(image)


def _add_examples(session) -> int:  # type: ignore[no-untyped-def]
    """A gift in kind for the most regular individual donor of 2025, and a company whose
    financial year ends on 30 June with gifts on both sides of it."""
    from sqlalchemy import func, select

    regular = session.scalar(
        select(Gift.contact_id)
        .join(Contact, Contact.id == Gift.contact_id)
        .where(Contact.kind == ContactKind.PERSON, func.strftime("%Y", Gift.received_on) == "2025")
        .group_by(Gift.contact_id)
        .order_by(func.count().desc(), Gift.contact_id)
        .limit(1)
    )
    session.add(
        Gift(
            contact_id=regular,
            received_on=date(2025, 9, 14),
            amount_cents=45000,
            payment_method=PaymentMethod.IN_KIND,
            nature=GiftNature.IN_KIND,
            in_kind_description="Une armoire bourguignonne en chêne (XIXe siècle), estimée par "
            "un commissaire-priseur",
        )
    )
    company = session.scalar(
        select(Contact).where(Contact.kind == ContactKind.ORGANISATION).order_by(Contact.id)
    )
    company.fiscal_year_end = "06-30"
    for day, cents in ((date(2025, 4, 2), 150000), (date(2025, 10, 20), 250000)):
        session.add(
            Gift(
                contact_id=company.id,
                received_on=day,
                amount_cents=cents,
                payment_method=PaymentMethod.TRANSFER,
            )
        )
    return int(company.id)


def _render(session, receipt: Receipt, target: Path, folder: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = folder / f"{target.name}.pdf"
    pdf.write_bytes(lifecycle.original_pdf(session, receipt))
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-singlefile", str(pdf), str(target)], check=True
    )
    print(f"{target}.png: receipt {receipt.number}, {len(receipt.lines)} gift(s)")


def main(extra: Path | None = None) -> None:
    """Issue the 2025 receipts of a demo association and render two of them."""
    folder = Path(tempfile.mkdtemp(prefix="obole-receipt-images-"))
    database = open_database(str(folder / "demo.sqlite3"))
    with database.write() as session:
        generate_demo(session, contacts=600, seed=11, today=date(2026, 1, 20))
        set_receipt_image(session, "logo", sample_logo())
        set_receipt_image(session, "signature", sample_signature())
        company_id = _add_examples(session)
    with database.write() as session:
        issue(
            session,
            plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL),
            clock=database.clock,
        )
    with database.read() as session:
        receipts = session.scalars(select_receipts()).all()
        individual = max(
            (r for r in receipts if r.kind == ReceiptKind.INDIVIDUAL), key=lambda r: len(r.lines)
        )
        first, second = [r for r in receipts if r.contact_id == company_id]
        _render(session, individual, ROOT / "docs" / "receipt-11580", folder)
        _render(session, second, ROOT / "docs" / "receipt-16216", folder)
        if extra is not None:
            extra.mkdir(parents=True, exist_ok=True)
            _render(session, first, extra / "receipt-16216-first-year", folder)
            _render(session, second, extra / "receipt-16216-second-year", folder)
    if extra is not None:
        _rup_example(database, individual.id, extra, folder)
    database.dispose()


def _rup_example(database, receipt_id: int, extra: Path, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """The same donor's receipt replaced after the association became RUP."""
    with database.write() as session:
        session.get(OrganisationSettings, 1).receipt_category = "rup"
        save_receipt_settings(
            session, ReceiptSettings(rup_decree_on="12/03/1990", rup_jo_on="20/03/1990")
        )
        new = lifecycle.replace(session, receipt_id, reason="catégorie RUP", clock=database.clock)
        _render(session, new, extra / "receipt-11580-rup", folder)


def select_receipts():  # type: ignore[no-untyped-def]
    """Every issued receipt, in number order."""
    from sqlalchemy import select

    return select(Receipt).order_by(Receipt.sequence)


if __name__ == "__main__":
    main(Path(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[1] == "--extra" else None)
