"""Tax receipts (Cerfa 11580 for individuals, 16216 for companies): eligibility, numbering,
issuing, lifecycle (reprint, cancel, replace) and the art. 222 bis declaration."""
