"""Page images of both receipt kinds for docs/ (issued from a small demo database).

Usage: python scripts/receipt_images.py   (needs pdftoppm, from Debian's poppler-utils)
Writes docs/receipt-11580.png (an annual receipt with several gifts) and
docs/receipt-16216.png (a company), with a sample logo and signature.
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
from app.core.database import open_database  # noqa: E402
from app.core.demo import generate_demo  # noqa: E402
from app.core.organisation import set_receipt_image  # noqa: E402
from app.core.receipts import lifecycle  # noqa: E402
from app.core.receipts.eligibility import plan_receipts  # noqa: E402
from app.core.receipts.issuing import issue  # noqa: E402
from app.models import Receipt  # noqa: E402
from app.models.enums import ReceiptKind, ReceiptMode  # noqa: E402


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


def main() -> None:
    """Issue the 2025 receipts of a demo association and render two of them."""
    folder = Path(tempfile.mkdtemp(prefix="obole-receipt-images-"))
    database = open_database(str(folder / "demo.sqlite3"))
    with database.write() as session:
        generate_demo(session, contacts=600, seed=11, today=date(2026, 1, 20))
        set_receipt_image(session, "logo", sample_logo())
        set_receipt_image(session, "signature", sample_signature())
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
        company = next(r for r in receipts if r.kind == ReceiptKind.COMPANY)
        for receipt, name in ((individual, "receipt-11580"), (company, "receipt-16216")):
            pdf = folder / f"{name}.pdf"
            pdf.write_bytes(lifecycle.original_pdf(session, receipt))
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "70",
                    "-png",
                    "-singlefile",
                    str(pdf),
                    str(ROOT / "docs" / name),
                ],
                check=True,
            )
            print(f"docs/{name}.png: receipt {receipt.number}, {len(receipt.lines)} gift(s)")
    database.dispose()


def select_receipts():  # type: ignore[no-untyped-def]
    """Every issued receipt, in number order."""
    from sqlalchemy import select

    return select(Receipt).order_by(Receipt.sequence)


if __name__ == "__main__":
    main()
