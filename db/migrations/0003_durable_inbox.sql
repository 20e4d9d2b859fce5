-- The Ingestor's projection position: the last inbox sequence number applied to D1, written in the
-- same batch as the rows it applies, so a replayed batch is refused instead of applied twice.
CREATE TABLE `ingest_progress` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`applied_seq` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `ingest_progress` (`id`, `applied_seq`) VALUES (1, 0);
