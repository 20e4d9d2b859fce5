-- Demo data for local use only (`npm start`). Idempotent: rows that exist are left alone.
-- The demo integration keys below are public; never load this file into a deployed database.
INSERT OR IGNORE INTO page_settings (id, page_id, name, url, time_zone, auto_resolve_minutes, updated_at)
VALUES (1, 'demopage0001', 'Acme Cloud', '', 'Etc/UTC', NULL, '2026-01-01T00:00:00.000Z');

INSERT OR IGNORE INTO component_groups (id, name, description, position, created_at, updated_at) VALUES
  ('grpcore00001', 'Core platform', 'What every customer uses', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('grpintegr001', 'Integrations', 'Connections to other services', 2, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');

INSERT OR IGNORE INTO components (id, slug, name, description, group_id, position, status, auto_status, start_date, created_at, updated_at) VALUES
  ('cmpapi000001', 'api', 'API', 'Public REST API', 'grpcore00001', 1, 'operational', 'operational', '2026-01-01', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('cmpweb000001', 'web', 'Web app', 'The dashboard at app.acme.test', 'grpcore00001', 2, 'operational', 'operational', '2026-01-01', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('cmpauth00001', 'auth', 'Authentication', 'Sign-in and SSO', 'grpcore00001', 3, 'operational', 'operational', '2026-01-01', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('cmpdb0000001', 'database', 'Database', NULL, 'grpcore00001', 4, 'operational', 'operational', '2026-01-01', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('cmphooks0001', 'webhooks', 'Webhooks', 'Outgoing webhooks', 'grpintegr001', 1, 'operational', 'operational', '2026-01-01', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('cmpemail0001', 'email', 'Email delivery', NULL, 'grpintegr001', 2, 'operational', 'operational', '2026-01-01', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('cmpsearch001', 'search', 'Search', NULL, 'grpintegr001', 3, 'operational', 'operational', '2026-01-01', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('cmppay000001', 'payments', 'Payments', 'Card processing', NULL, 3, 'operational', 'operational', '2026-01-01', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('cmpcdn000001', 'cdn', 'CDN', 'Static assets and downloads', NULL, 4, 'operational', 'operational', '2026-01-01', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('cmpmetrics01', 'metrics', 'Metrics ingestion', NULL, NULL, 5, 'operational', 'operational', '2026-01-01', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');

-- One integration per sender. Keys (32 lowercase letters and digits) are stored as SHA-256 hashes.
INSERT OR IGNORE INTO integrations (id, name, source, key_hash, key_prefix, created_at, updated_at) VALUES
  ('intdatadog01', 'Datadog', 'datadog', 'ca7de36708d381df119323ec47705cc0c773b3bc0a6cacbd13b5bbdf305860f0', 'demoda', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('intuptrends1', 'Uptrends', 'uptrends', 'b9b5bb48dbdae523e00312d85e39a9a9a9056eaa00110e6d558c9f6596b94dac', 'demoup', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('intalertmgr1', 'Alertmanager', 'alertmanager', '5311f032e1eac257f31dbf17e900115d6edc0fe1a386b93875b758bd5a0c7988', 'demoal', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('intgrafana01', 'Grafana', 'grafana', 'bd768d4524656f9d798e124cfa759fedcb2f65985e445dd14b37884aa883850e', 'demogr', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('intkuma00001', 'Uptime Kuma', 'uptime-kuma', '146253554504f81f9de0b45411f0f3dc0341088481f333508abc179a1633de13', 'demoup', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('intgeneric01', 'Generic JSON', 'generic', 'd4a1a0601138e50bd03a369a39e78fa30687d74033a6f9300f0c582d84fd9d49', 'demoge', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('intpagerdty1', 'PagerDuty Events', 'pagerduty', 'd1d9f722c7f13c9dbefa71ee64009a4484421097db7efdca1b1d22dda3fbc7c9', 'demopa', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');

-- Generic JSON feeds the API; Uptrends watches the web app (StatusHub style: its own components).
INSERT OR IGNORE INTO integration_components (integration_id, component_id) VALUES
  ('intgeneric01', 'cmpapi000001'),
  ('intuptrends1', 'cmpweb000001'),
  ('intkuma00001', 'cmpcdn000001');

-- Datadog routes by link: the "Payments latency" monitor → Payments; any team:search tag → Search (degraded only).
INSERT OR IGNORE INTO links (id, integration_id, match_type, match_key, match_value, status, created_at) VALUES
  ('lnkdatadog01', 'intdatadog01', 'monitor', 'Payments latency', NULL, NULL, '2026-01-01T00:00:00.000Z'),
  ('lnkdatadog02', 'intdatadog01', 'tag', 'team', 'search', 'degraded_performance', '2026-01-01T00:00:00.000Z');
INSERT OR IGNORE INTO link_components (link_id, component_id) VALUES
  ('lnkdatadog01', 'cmppay000001'),
  ('lnkdatadog02', 'cmpsearch001');
