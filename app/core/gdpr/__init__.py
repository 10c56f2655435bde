"""GDPR: register of processing activities, data-subject requests, erasure, retention,
restriction."""
