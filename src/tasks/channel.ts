/** The three media the universal queue carries. */
export const CHANNELS = ['voice', 'chat', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A number per channel: capacity, load, counts. */
export type ChannelCounts = Record<Channel, number>;

export const zeroCounts = (): ChannelCounts => ({ voice: 0, chat: 0, email: 0 });

export const isChannel = (value: unknown): value is Channel =>
  typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
