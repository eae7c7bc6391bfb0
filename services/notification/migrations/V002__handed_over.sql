-- The hand-over point of the attempt in flight: set (autocommit) right before the SMTP
-- end-of-data mark is sent, cleared when the attempt is recorded. A row still pending with it set
-- after its lease expired belonged to a process that died after the SMTP server may have
-- accepted the message: it is settled as sent, never sent again (no duplicate email across a
-- crash). Without it, the message never reached the end of its data and is sent again.
ALTER TABLE deliveries ADD COLUMN handed_over_at DATETIME(3) NULL AFTER sent_at;
