// Validation of the page's messages: the zod schema behind every ClientMessage the server accepts.
import { z } from 'zod';
import { MAX_SPEED, MIN_SPEED, type ClientMessage } from '../protocol.ts';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');

/** Exactly the messages of `ClientMessage`; extra fields, other types and out-of-range values are refused. */
export const clientMessageSchema: z.ZodType<ClientMessage> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pause'), paused: z.boolean() }).strict(),
  z.object({ type: z.literal('step') }).strict(),
  z.object({ type: z.literal('speed'), speed: z.number().min(MIN_SPEED).max(MAX_SPEED) }).strict(),
  z.object({ type: z.literal('restart'), seed: z.number().int().min(0).max(2 ** 32 - 1).optional() }).strict(),
  z.object({ type: z.literal('goal'), agent: z.number().int().min(0).default(0), x: finite, y: finite }).strict(),
  z.object({ type: z.literal('seek'), index: z.number().int().min(0) }).strict(),
]);
