"""Background jobs: a durable table of work to do now or later (a mail to send, a reminder, a deadline), enqueued
in the transaction of what caused it and run once each by the runner of every server process."""
