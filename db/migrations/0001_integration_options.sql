-- Per-integration settings the receivers read (Grafana's signature_header and timestamp_header
-- today), as one JSON object so later settings need no migration of their own.
ALTER TABLE `integrations` ADD `options` text DEFAULT '{}' NOT NULL;
