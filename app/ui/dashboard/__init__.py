"""The dashboard: yearly figures, RFM segments, data quality, thanks and appeals."""
