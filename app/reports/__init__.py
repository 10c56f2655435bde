"""Renderers: plain data in, files out (PDF with ReportLab, CSV, XLSX, ODS). No Qt, no session."""
