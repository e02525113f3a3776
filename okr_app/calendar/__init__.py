"""The calendar feed: due check-ins and period ends as an iCalendar (RFC 5545) feed."""
