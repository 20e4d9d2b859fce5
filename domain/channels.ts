// The kinds of operator channel, in the order the admin offers them: the database's enum, the admin API's
// schema and forms, and the senders all read this one list.
export const CHANNEL_KINDS = ["webhook", "slack", "discord", "teams", "datadog", "email"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
