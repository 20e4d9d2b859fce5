-- Subscribers: the optional Cloudflare Turnstile check on the subscribe form. Its site key
-- is a page setting (public: the page shows it); the secret stays a worker secret (TURNSTILE_SECRET).
ALTER TABLE `page_settings` ADD `turnstile_site_key` text;
--> statement-breakpoint
-- One subscriber per (email, webhook): two parallel sign-ups for one address make one row, so one
-- confirmation and later one notification per update (db/subscribers.ts inserts ON CONFLICT DO NOTHING).
-- Addresses are stored lowercased (worker/subscriptions/schemas.ts).
CREATE UNIQUE INDEX `subscribers_email_webhook_unique` ON `subscribers` (`email`, coalesce(`webhook_url`, ''));
