"""Appeals and thank-yous: preparation, letters, labels, e-mails, results."""
