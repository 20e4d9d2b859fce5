-- A sender's own test notification is logged as a delivery with outcome `test` (the outcome
-- column is free text, its values listed in domain/status.ts) and changes nothing else; the
-- integration keeps when the last one arrived, so an operator who pressed Test sees it received.
ALTER TABLE `integrations` ADD `last_test_at` text;
