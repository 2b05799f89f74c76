/** Tables of webhook endpoints and their deliveries (migration 6). Filled in with the webhooks work. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the webhooks work adds its tables here
export interface WebhookTables {}
