"""Appeals: whom to ask (target, exclusions by reason), solicitation pressure, the send that
freezes the list, letters' merge fields, thank-yous and each appeal's results. No Qt, no
renderer: letters and labels are drawn by app/reports from the plain data prepared here."""
